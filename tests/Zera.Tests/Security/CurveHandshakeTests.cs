using System.Text;
using Zera.Protocol;
using Zera.Protocol.Mechanisms;

namespace Zera.Tests.Security;

/// <summary>
/// The CURVE handshake (RFC 25/26 in libzmq's wire form) between our client and server mechanisms: the exact command
/// layouts, the ZAP step, and every way a peer can get it wrong: each must end as Malformed with libzmq's protocol
/// error value, never as an exception.
/// </summary>
public class CurveHandshakeTests
{
    [Fact]
    public void NamesAndRoles()
    {
        using var pair = new CurvePair();
        Assert.Equal("CURVE", pair.Client.Name);
        Assert.Equal("CURVE", pair.Server.Name);
        Assert.False(pair.Client.AsServer);
        Assert.True(pair.Server.AsServer);
        Assert.Null(pair.Client.FrameTransform);
        Assert.Null(pair.Server.FrameTransform);
        Assert.False(pair.Server.TryTakeCommand(out _)); // the client speaks first
    }

    [Fact]
    public void CommandsHaveLibzmqsLayout()
    {
        using var pair = new CurvePair();
        var hello = CurvePair.Take(pair.Client);
        Assert.Equal(200, hello.Length);
        Assert.Equal("\u0005HELLO"u8.ToArray(), hello[..6]);
        Assert.Equal(new byte[] { 1, 0 }, hello[6..8]);
        Assert.All(hello[8..80], b => Assert.Equal(0, b));                       // anti-amplification padding
        Assert.Equal(1UL, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hello.AsSpan(112))); // first nonce

        Assert.Equal(MechanismStatus.InProgress, pair.Server.Process(hello));
        var welcome = CurvePair.Take(pair.Server);
        Assert.Equal(168, welcome.Length);
        Assert.Equal("\u0007WELCOME"u8.ToArray(), welcome[..8]);

        Assert.Equal(MechanismStatus.InProgress, pair.Client.Process(welcome));
        var initiate = CurvePair.Take(pair.Client);
        Assert.Equal("\u0008INITIATE"u8.ToArray(), initiate[..9]);
        // name 9, cookie 96, nonce 8, box: tag 16 + C 32 + vouch nonce 16 + vouch 80 + metadata
        int metadata = 1 + "Socket-Type".Length + 4 + "DEALER".Length + 1 + "Identity".Length + 4 + "client-1".Length;
        Assert.Equal(9 + 96 + 8 + 16 + 128 + metadata, initiate.Length);
        Assert.Equal(2UL, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(initiate.AsSpan(105)));

        Assert.Equal(MechanismStatus.AwaitingZap, pair.Server.Process(initiate));
        Assert.Equal(MechanismStatus.Ready, pair.Server.OnZapReply(ZapReply.Accept));
        var ready = CurvePair.Take(pair.Server);
        Assert.Equal("\u0005READY"u8.ToArray(), ready[..6]);
        Assert.Equal(1UL, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(ready.AsSpan(6)));
        Assert.Equal(6 + 8 + 16 + 1 + "Socket-Type".Length + 4 + "ROUTER".Length, ready.Length);
    }

    [Fact]
    public void FullHandshakeExchangesMetadataAndAsksZapAboutTheClientsLongTermKey()
    {
        using var pair = new CurvePair();
        pair.UpToZap();
        var request = pair.Server.ZapRequest;
        Assert.NotNull(request);
        Assert.Equal("CURVE", request.Mechanism);
        Assert.Equal(CurvePair.ClientKeys.PublicKeyBytes(), Assert.Single(request.Credentials));
        Assert.Equal("DEALER", Encoding.ASCII.GetString(pair.Server.PeerProperties["Socket-Type"]));
        Assert.Equal("client-1", Encoding.ASCII.GetString(pair.Server.PeerProperties["identity"])); // names are case-insensitive

        var metadata = new Dictionary<string, byte[]> { ["Department"] = "ops"u8.ToArray() };
        Assert.Equal(MechanismStatus.Ready, pair.Server.OnZapReply(new ZapReply("200", "OK", "alice", metadata)));
        Assert.Null(pair.Server.ZapRequest);
        Assert.Equal("alice", pair.Server.UserId);
        Assert.Same(metadata, pair.Server.ZapMetadata);
        Assert.NotNull(pair.Server.FrameTransform);

        Assert.Equal(MechanismStatus.Ready, pair.Client.Process(CurvePair.Take(pair.Server)));
        Assert.Equal("ROUTER", Encoding.ASCII.GetString(pair.Client.PeerProperties["Socket-Type"]));
        Assert.NotNull(pair.Client.FrameTransform);
        Assert.False(pair.Client.TryTakeCommand(out _));
        Assert.False(pair.Server.TryTakeCommand(out _));
    }

    [Fact]
    public void RefusingZapReplySendsErrorWithTheStatusCode()
    {
        using var pair = new CurvePair();
        pair.UpToZap();
        var status = pair.Server.OnZapReply(new ZapReply("400", "Unknown key", "", new Dictionary<string, byte[]>()));
        Assert.Equal(MechanismStatus.Refused, status);
        Assert.Equal(400, pair.Server.FailureCode);
        Assert.Null(pair.Server.FrameTransform);
        var error = CurvePair.Take(pair.Server);
        Assert.Equal(Command.BuildError("400"), error);

        // The client takes it as the peer's refusal, with the ZAP code.
        Assert.Equal(MechanismStatus.PeerError, pair.Client.Process(error));
        Assert.Equal(400, pair.Client.FailureCode);
        Assert.Contains("400", pair.Client.Failure);
    }

    [Fact]
    public void ErrorWithAnOrdinaryReasonHasNoZapCode()
    {
        using var pair = new CurvePair();
        CurvePair.Take(pair.Client);
        Assert.Equal(MechanismStatus.PeerError, pair.Client.Process(Command.BuildError("Invalid socket type")));
        Assert.Equal(ProtocolError.Unspecified, pair.Client.FailureCode);
    }

    [Fact]
    public void MalformedErrorIsMalformed()
    {
        using var pair = new CurvePair();
        CurvePair.Take(pair.Client);
        Assert.Equal(MechanismStatus.Malformed, pair.Client.Process([5, .. "ERROR"u8, 10, (byte)'x']));
        Assert.Equal(ProtocolError.MalformedError, pair.Client.FailureCode);
    }

    [Fact]
    public void ClientWithTheWrongServerKeyIsRefusedAtHello()
    {
        using var pair = new CurvePair(serverKeyTheClientExpects: Curve.GenerateKeyPair().PublicKeyBytes());
        Assert.Equal(MechanismStatus.Malformed, pair.Server.Process(CurvePair.Take(pair.Client)));
        Assert.Equal(ProtocolError.Cryptographic, pair.Server.FailureCode);
        Assert.Contains("HELLO", pair.Server.Failure);
        Assert.False(pair.Server.TryTakeCommand(out _)); // no WELCOME for an impostor's HELLO
    }

    [Fact]
    public void HelloWithAnotherVersionIsMalformed()
    {
        using var pair = new CurvePair();
        var hello = CurvePair.Take(pair.Client);
        hello[6] = 2;
        Assert.Equal(MechanismStatus.Malformed, pair.Server.Process(hello));
        Assert.Equal(ProtocolError.MalformedHello, pair.Server.FailureCode);
    }

    [Fact]
    public void ServerFailsWhenTheClientCannotOpenWelcome()
    {
        // A WELCOME boxed for another client (another pair's server answered): the box does not open.
        using var pair = new CurvePair();
        using var other = new CurvePair();
        CurvePair.Take(pair.Client);
        Assert.Equal(MechanismStatus.InProgress, other.Server.Process(CurvePair.Take(other.Client)));
        Assert.Equal(MechanismStatus.Malformed, pair.Client.Process(CurvePair.Take(other.Server)));
        Assert.Equal(ProtocolError.Cryptographic, pair.Client.FailureCode);
    }

    [Theory]
    [InlineData(9)]         // inside the cookie's nonce
    [InlineData(60)]        // inside the cookie's box
    [InlineData(110)]       // the short nonce
    [InlineData(130)]       // the box's tag
    [InlineData(200)]       // the box's ciphertext (C or the vouch)
    public void GarbledInitiateIsRefused(int at)
    {
        using var pair = new CurvePair();
        Assert.Equal(MechanismStatus.InProgress, pair.Server.Process(CurvePair.Take(pair.Client)));
        Assert.Equal(MechanismStatus.InProgress, pair.Client.Process(CurvePair.Take(pair.Server)));
        var initiate = CurvePair.Take(pair.Client);
        initiate[at] ^= 0x20;
        Assert.Equal(MechanismStatus.Malformed, pair.Server.Process(initiate));
        Assert.Equal(ProtocolError.Cryptographic, pair.Server.FailureCode);
        Assert.Null(pair.Server.ZapRequest);
    }

    [Fact]
    public void ReplayedInitiateIsRefused()
    {
        using var pair = new CurvePair();
        var initiate = pair.UpToZap();
        Assert.Equal(MechanismStatus.Malformed, pair.Server.Process(initiate));
        Assert.Equal(ProtocolError.UnexpectedCommand, pair.Server.FailureCode);
    }

    [Fact]
    public void InitiateReplayedOnAnotherConnectionIsRefused()
    {
        // A recorded INITIATE sent to a fresh server connection: its cookie is not that connection's.
        using var first = new CurvePair();
        var initiate = first.UpToZap();
        using var second = new CurvePair();
        Assert.Equal(MechanismStatus.InProgress, second.Server.Process(CurvePair.Take(second.Client)));
        CurvePair.Take(second.Server);
        Assert.Equal(MechanismStatus.Malformed, second.Server.Process(initiate));
        Assert.Equal(ProtocolError.Cryptographic, second.Server.FailureCode);
    }

    [Fact]
    public void ReadyThatDoesNotOpenIsRefused()
    {
        using var pair = new CurvePair();
        pair.UpToZap();
        pair.Server.OnZapReply(ZapReply.Accept);
        var ready = CurvePair.Take(pair.Server);
        ready[^1] ^= 1;
        Assert.Equal(MechanismStatus.Malformed, pair.Client.Process(ready));
        Assert.Equal(ProtocolError.Cryptographic, pair.Client.FailureCode);
    }

    [Fact]
    public void UnexpectedCommandsAreMalformed()
    {
        using var pair = new CurvePair();
        var hello = CurvePair.Take(pair.Client);
        Assert.Equal(MechanismStatus.Malformed, pair.Client.Process(hello)); // a client never takes HELLO
        Assert.Equal(ProtocolError.UnexpectedCommand, pair.Client.FailureCode);

        using var other = new CurvePair();
        Assert.Equal(MechanismStatus.Malformed, other.Server.Process(Command.BuildReady(("Socket-Type", "DEALER"u8.ToArray()))));
        Assert.Equal(ProtocolError.UnexpectedCommand, other.Server.FailureCode);
    }

    [Fact]
    public void OnZapReplyOutsideAwaitingZapThrows()
    {
        using var pair = new CurvePair();
        Assert.Throws<InvalidOperationException>(() => pair.Server.OnZapReply(ZapReply.Accept));
        Assert.Throws<InvalidOperationException>(() => pair.Client.OnZapReply(ZapReply.Accept));
    }

    [Fact]
    public void DisposedMechanismTakesNothingMore()
    {
        var pair = new CurvePair();
        pair.Dispose();
        Assert.False(pair.Client.TryTakeCommand(out _));
        Assert.Equal(MechanismStatus.Malformed, pair.Server.Process(new byte[200]));
    }

    [Fact]
    public void KeysOfTheWrongLengthAreRefused()
    {
        var key = new byte[32];
        Assert.Throws<ArgumentException>(() => new CurveClientMechanism(new byte[31], key, key));
        Assert.Throws<ArgumentException>(() => new CurveServerMechanism(key, new byte[33]));
    }
}
