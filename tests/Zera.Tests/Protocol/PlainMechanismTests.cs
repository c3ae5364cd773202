using System.Text;
using Zera.Protocol;
using Zera.Protocol.Mechanisms;

namespace Zera.Tests.Protocol;

/// <summary>
/// ZMTP PLAIN (RFC 24) in memory, byte for byte: HELLO, WELCOME, INITIATE, READY, ERROR as the RFC lays them out,
/// the ZAP step in the middle, and malformed commands, which are statuses with libzmq's values, never exceptions.
/// </summary>
public class PlainMechanismTests
{
    private static readonly (string, byte[])[] s_dealer = [("Socket-Type", "DEALER"u8.ToArray())];
    private static readonly (string, byte[])[] s_router = [("Socket-Type", "ROUTER"u8.ToArray())];

    private static byte[] Take(IMechanism m)
    {
        Assert.True(m.TryTakeCommand(out var body), "a command is due");
        Assert.False(m.TryTakeCommand(out _), "only one command is due");
        return body;
    }

    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    [Fact]
    public void HelloIsTheNameThenUsernameAndPasswordEachAfterItsLength()
    {
        var client = new PlainClientMechanism("admin", "secret", s_dealer);
        Assert.Equal("PLAIN", client.Name);
        Assert.False(client.AsServer);
        byte[] expected = [5, .. B("HELLO"), 5, .. B("admin"), 6, .. B("secret")];
        Assert.Equal(expected, Take(client));
    }

    [Fact]
    public void AWholeHandshakeByteForByte()
    {
        var client = new PlainClientMechanism("admin", "secret", s_dealer);
        var server = new PlainServerMechanism(s_router);
        Assert.True(server.AsServer);
        Assert.False(server.TryTakeCommand(out _)); // the server speaks only after HELLO and the ZAP answer

        Assert.Equal(MechanismStatus.AwaitingZap, server.Process(Take(client)));
        Assert.Equal("PLAIN", server.ZapRequest!.Mechanism);
        Assert.Equal([B("admin"), B("secret")], server.ZapRequest.Credentials);
        Assert.False(server.TryTakeCommand(out _)); // nothing before the handler answered

        Assert.Equal(MechanismStatus.InProgress, server.OnZapReply(new ZapReply("200", "OK", "the-admin", new Dictionary<string, byte[]>())));
        Assert.Null(server.ZapRequest);
        var welcome = Take(server);
        Assert.Equal([7, .. B("WELCOME")], welcome);

        Assert.Equal(MechanismStatus.InProgress, client.Process(welcome));
        var initiate = Take(client);
        byte[] initiateExpected = [8, .. B("INITIATE"), 11, .. B("Socket-Type"), 0, 0, 0, 6, .. B("DEALER")];
        Assert.Equal(initiateExpected, initiate);

        Assert.Equal(MechanismStatus.Ready, server.Process(initiate));
        Assert.Equal("DEALER", Encoding.ASCII.GetString(server.PeerProperties["Socket-Type"]));
        Assert.Equal("the-admin", server.UserId);
        var ready = Take(server);
        byte[] readyExpected = [5, .. B("READY"), 11, .. B("Socket-Type"), 0, 0, 0, 6, .. B("ROUTER")];
        Assert.Equal(readyExpected, ready);

        Assert.Equal(MechanismStatus.Ready, client.Process(ready));
        Assert.Equal("ROUTER", Encoding.ASCII.GetString(client.PeerProperties["socket-type"]));
    }

    [Theory]
    [InlineData("400")]
    [InlineData("500")]
    public void ARefusalSendsErrorWithTheStatusCode(string status)
    {
        var client = new PlainClientMechanism("u", "p", s_dealer);
        var server = new PlainServerMechanism(s_router);
        server.Process(Take(client));
        Assert.Equal(MechanismStatus.Refused, server.OnZapReply(new ZapReply(status, "no", "", new Dictionary<string, byte[]>())));
        Assert.Equal(int.Parse(status), server.FailureCode);
        var error = Take(server);
        Assert.Equal([5, .. B("ERROR"), 3, .. B(status)], error);
        Assert.Equal(MechanismStatus.PeerError, client.Process(error));
        Assert.Equal(int.Parse(status), client.FailureCode);
    }

    [Fact]
    public void ATemporaryFailureSendsNoError()
    {
        var server = new PlainServerMechanism(s_router);
        server.Process(PlainClientMechanism.BuildHello(B("u"), B("p")));
        Assert.Equal(MechanismStatus.Refused, server.OnZapReply(new ZapReply("300", "later", "", new Dictionary<string, byte[]>())));
        Assert.Equal(300, server.FailureCode);
        Assert.False(server.TryTakeCommand(out _));
    }

    [Fact]
    public void EmptyUsernameAndPasswordAreAllowedOnTheWire()
    {
        var server = new PlainServerMechanism(s_router);
        Assert.Equal(MechanismStatus.AwaitingZap, server.Process([5, .. B("HELLO"), 0, 0]));
        Assert.Equal([[], []], server.ZapRequest!.Credentials);
    }

    public static TheoryData<byte[], int> MalformedHellos => new()
    {
        { [5], ProtocolError.MalformedCommand },                                   // only the name's length
        { [5, .. "HEL"u8], ProtocolError.MalformedCommand },                      // the name cut off
        { [5, .. "HELLO"u8], ProtocolError.MalformedHello },                      // no username
        { [5, .. "HELLO"u8, 4, .. "ad"u8], ProtocolError.MalformedHello },        // username cut off
        { [5, .. "HELLO"u8, 1, .. "a"u8], ProtocolError.MalformedHello },         // no password
        { [5, .. "HELLO"u8, 1, .. "a"u8, 3, .. "pw"u8], ProtocolError.MalformedHello },        // password cut off
        { [5, .. "HELLO"u8, 1, .. "a"u8, 1, .. "pw"u8], ProtocolError.MalformedHello },        // bytes after it
        { [5, .. "READY"u8, 0, 0], ProtocolError.UnexpectedCommand },             // not HELLO
        { [0, 1, 2], ProtocolError.UnexpectedCommand },                           // no name at all
    };

    [Theory]
    [MemberData(nameof(MalformedHellos))]
    public void MalformedHelloIsAStatusNotAnException(byte[] hello, int code)
    {
        var server = new PlainServerMechanism(s_router);
        Assert.Equal(MechanismStatus.Malformed, server.Process(hello));
        Assert.Equal(code, server.FailureCode);
        Assert.NotNull(server.Failure);
        Assert.Null(server.ZapRequest);
        Assert.False(server.TryTakeCommand(out _));
    }

    [Fact]
    public void AnOversizedHelloIsMalformed()
    {
        // A HELLO with a megabyte of trailing bytes after a valid password.
        byte[] hello = [.. PlainClientMechanism.BuildHello(B("u"), B("p")), .. new byte[1 << 20]];
        var server = new PlainServerMechanism(s_router);
        Assert.Equal(MechanismStatus.Malformed, server.Process(hello));
        Assert.Equal(ProtocolError.MalformedHello, server.FailureCode);
    }

    [Fact]
    public void InitiateMustFollowWelcomeAndParse()
    {
        var server = new PlainServerMechanism(s_router);
        server.Process(PlainClientMechanism.BuildHello(B("u"), B("p")));
        server.OnZapReply(ZapReply.Accept);
        Take(server);
        Assert.Equal(MechanismStatus.Malformed, server.Process([8, .. B("INITIATE"), 11, .. B("Socket-Type"), 0, 0, 0, 9]));
        Assert.Equal(ProtocolError.InvalidMetadata, server.FailureCode);

        var other = new PlainServerMechanism(s_router);
        other.Process(PlainClientMechanism.BuildHello(B("u"), B("p")));
        other.OnZapReply(ZapReply.Accept);
        Take(other);
        Assert.Equal(MechanismStatus.Malformed, other.Process([5, .. B("HELLO"), 0, 0]));
        Assert.Equal(ProtocolError.UnexpectedCommand, other.FailureCode);
    }

    [Fact]
    public void ClientRefusesWhatComesOutOfTurn()
    {
        var client = new PlainClientMechanism("u", "p", s_dealer);
        Take(client);
        Assert.Equal(MechanismStatus.Malformed, client.Process([5, .. B("READY")]));
        Assert.Equal(ProtocolError.UnexpectedCommand, client.FailureCode);

        client = new PlainClientMechanism("u", "p", s_dealer);
        Take(client);
        Assert.Equal(MechanismStatus.Malformed, client.Process([7, .. B("WELCOME"), 1]));
        Assert.Equal(ProtocolError.MalformedWelcome, client.FailureCode);

        client = new PlainClientMechanism("u", "p", s_dealer);
        Take(client);
        Assert.Equal(MechanismStatus.Malformed, client.Process([5, .. B("ERROR"), 9, 1]));
        Assert.Equal(ProtocolError.MalformedError, client.FailureCode);

        client = new PlainClientMechanism("u", "p", s_dealer);
        Take(client);
        Assert.Equal(MechanismStatus.Malformed, client.Process([]));
        Assert.Equal(ProtocolError.UnexpectedCommand, client.FailureCode);
    }

    [Fact]
    public void TheErrorOfReleasedLibzmqPlainServersIsUnderstood()
    {
        // libzmq 4.3.5 and earlier write "\x05ERROR" in C: the escape takes the E, giving 0x5E "RROR".
        var client = new PlainClientMechanism("u", "p", s_dealer);
        Take(client);
        Assert.Equal(MechanismStatus.PeerError, client.Process([.. B("^RROR"), 3, .. B("400")]));
        Assert.Equal(400, client.FailureCode);
    }

    [Fact]
    public void NullWithZapAsksFirstAndHoldsItsReady()
    {
        var server = new NullMechanism(true, s_router);
        Assert.Equal("NULL", server.ZapRequest!.Mechanism);
        Assert.Empty(server.ZapRequest.Credentials);
        Assert.False(server.TryTakeCommand(out _));
        Assert.Equal(MechanismStatus.InProgress, server.Process([5, .. B("READY"), 11, .. B("Socket-Type"), 0, 0, 0, 6, .. B("DEALER")]));
        Assert.Equal(MechanismStatus.Ready, server.OnZapReply(new ZapReply("200", "OK", "anon", new Dictionary<string, byte[]>())));
        Assert.Equal("anon", server.UserId);
        Assert.True(server.TryTakeCommand(out var ready));
        Assert.Equal(B("READY"), ready[1..6]);
    }

    [Fact]
    public void NullWithZapRefusedSendsError()
    {
        var server = new NullMechanism(true, s_router);
        Assert.Equal(MechanismStatus.Refused, server.OnZapReply(new ZapReply("400", "no", "", new Dictionary<string, byte[]>())));
        Assert.Equal(400, server.FailureCode);
        Assert.True(server.TryTakeCommand(out var error));
        Assert.Equal([5, .. B("ERROR"), 3, .. B("400")], error);
    }
}
