using Zera.Protocol;
using Zera.Protocol.Mechanisms;

namespace Zera.Tests.Security;

/// <summary>
/// Every CURVE handshake command cut short, grown by a byte, or sent by a peer that breaks the rules our own client
/// keeps: the receiving mechanism must answer Malformed (with libzmq's protocol error value) and never throw.
/// </summary>
public class CurveMalformedTests
{
    private static readonly byte[] s_metadata = Command.BuildReady(("Socket-Type", "DEALER"u8.ToArray()))[6..];

    public enum Step { Hello, Welcome, Initiate, Ready, Error }

    /// <summary>A mechanism that is about to receive <paramref name="step"/>, and that command as its peer made it.</summary>
    private static (IMechanism Receiver, byte[] Command, CurvePair Pair) At(Step step)
    {
        var pair = new CurvePair();
        var hello = CurvePair.Take(pair.Client);
        if (step == Step.Hello) return (pair.Server, hello, pair);
        Assert.Equal(MechanismStatus.InProgress, pair.Server.Process(hello));
        var welcome = CurvePair.Take(pair.Server);
        if (step == Step.Welcome) return (pair.Client, welcome, pair);
        if (step == Step.Error) return (pair.Client, Command.BuildError("400"), pair);
        Assert.Equal(MechanismStatus.InProgress, pair.Client.Process(welcome));
        var initiate = CurvePair.Take(pair.Client);
        if (step == Step.Initiate) return (pair.Server, initiate, pair);
        Assert.Equal(MechanismStatus.AwaitingZap, pair.Server.Process(initiate));
        Assert.Equal(MechanismStatus.Ready, pair.Server.OnZapReply(ZapReply.Accept));
        return (pair.Client, CurvePair.Take(pair.Server), pair);
    }

    [Theory]
    [InlineData(Step.Hello, ProtocolError.MalformedHello)]
    [InlineData(Step.Welcome, ProtocolError.Cryptographic)]     // libzmq reports a WELCOME of the wrong size so
    [InlineData(Step.Initiate, ProtocolError.Cryptographic)]    // the box no longer opens
    [InlineData(Step.Ready, ProtocolError.Cryptographic)]
    [InlineData(Step.Error, ProtocolError.MalformedError)]
    public void TruncatedByOneByteIsMalformed(Step step, int code)
    {
        var (receiver, command, pair) = At(step);
        using (pair)
        {
            Assert.Equal(MechanismStatus.Malformed, receiver.Process(command.AsSpan(0, command.Length - 1)));
            Assert.Equal(code, receiver.FailureCode);
            Assert.NotNull(receiver.Failure);
        }
    }

    [Theory]
    [InlineData(Step.Hello, ProtocolError.MalformedHello)]
    [InlineData(Step.Welcome, ProtocolError.Cryptographic)]
    [InlineData(Step.Initiate, ProtocolError.MalformedInitiate)]
    [InlineData(Step.Ready, ProtocolError.MalformedReady)]
    [InlineData(Step.Error, ProtocolError.MalformedError)]
    public void CutToItsNameIsMalformed(Step step, int code)
    {
        var (receiver, command, pair) = At(step);
        using (pair)
        {
            int nameLength = 1 + command[0];
            Assert.Equal(MechanismStatus.Malformed, receiver.Process(command.AsSpan(0, nameLength)));
            Assert.Equal(code, receiver.FailureCode);
        }
    }

    [Theory]
    [InlineData(Step.Hello, ProtocolError.MalformedHello)]
    [InlineData(Step.Welcome, ProtocolError.Cryptographic)]
    [InlineData(Step.Initiate, ProtocolError.Cryptographic)]
    [InlineData(Step.Ready, ProtocolError.Cryptographic)]
    public void GrownByOneByteIsMalformed(Step step, int code)
    {
        var (receiver, command, pair) = At(step);
        using (pair)
        {
            Assert.Equal(MechanismStatus.Malformed, receiver.Process([.. command, 0]));
            Assert.Equal(code, receiver.FailureCode);
        }
    }

    [Theory]
    [InlineData(Step.Hello)]
    [InlineData(Step.Welcome)]
    [InlineData(Step.Initiate)]
    [InlineData(Step.Ready)]
    [InlineData(Step.Error)]
    public void EmptyAndNamelessCommandsAreUnexpected(Step step)
    {
        foreach (byte[] command in new[] { Array.Empty<byte>(), [0], [200, 1, 2], [5, .. "HELLX"u8] })
        {
            var (receiver, _, pair) = At(step);
            using (pair)
            {
                Assert.Equal(MechanismStatus.Malformed, receiver.Process(command));
                Assert.Equal(ProtocolError.UnexpectedCommand, receiver.FailureCode);
            }
        }
    }

    [Fact]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(26);
        foreach (var step in Enum.GetValues<Step>())
        {
            for (int i = 0; i < 50; i++)
            {
                var (receiver, command, pair) = At(step);
                using (pair)
                {
                    // Keep the name so the command reaches its parser, then scramble a few bytes after it.
                    var garbled = (byte[])command.Clone();
                    for (int k = 0; k < 3; k++)
                    {
                        int at = random.Next(1 + garbled[0], garbled.Length);
                        // HELLO's padding carries nothing (libzmq does not read it either): a change there is no fault.
                        if (step == Step.Hello && at is >= 8 and < 80) at = 100;
                        garbled[at] = (byte)random.Next(256);
                    }
                    var status = receiver.Process(garbled);
                    if (garbled.AsSpan().SequenceEqual(command)) continue;
                    Assert.True(status is MechanismStatus.Malformed or MechanismStatus.PeerError, $"{step}: {status}");
                }
            }
        }
    }

    // ------------------------------------------------------------------ a peer that breaks the rules

    private static (CurveServerMechanism Server, RawCurveClient Client) RawHandshakeToInitiate()
    {
        var server = new CurveServerMechanism(CurvePair.ServerKeys.PublicKeyBytes(), CurvePair.ServerKeys.SecretKeyBytes(), ("Socket-Type", "ROUTER"u8.ToArray()));
        var client = new RawCurveClient(CurvePair.ServerKeys.PublicKeyBytes(), CurvePair.ClientKeys.PublicKeyBytes(), CurvePair.ClientKeys.SecretKeyBytes());
        Assert.Equal(MechanismStatus.InProgress, server.Process(client.Hello()));
        client.Welcome(CurvePair.Take(server));
        return (server, client);
    }

    [Fact]
    public void HandBuiltClientIsAccepted()
    {
        var (server, client) = RawHandshakeToInitiate();
        using (server)
        {
            Assert.Equal(MechanismStatus.AwaitingZap, server.Process(client.Initiate(s_metadata)));
            Assert.Equal(MechanismStatus.Ready, server.OnZapReply(ZapReply.Accept));
        }
    }

    [Fact]
    public void VouchForAnotherShortTermKeyIsAKeyExchangeError()
    {
        var (server, client) = RawHandshakeToInitiate();
        using (server)
        {
            Assert.Equal(MechanismStatus.Malformed, server.Process(client.Initiate(s_metadata, vouchShort: new byte[32])));
            Assert.Equal(ProtocolError.KeyExchange, server.FailureCode);
        }
    }

    [Fact]
    public void VouchForAnotherServerIsAKeyExchangeError()
    {
        var (server, client) = RawHandshakeToInitiate();
        using (server)
        {
            Assert.Equal(MechanismStatus.Malformed, server.Process(client.Initiate(s_metadata, vouchServer: Curve.GenerateKeyPair().PublicKeyBytes())));
            Assert.Equal(ProtocolError.KeyExchange, server.FailureCode);
        }
    }

    [Fact]
    public void VouchFromAnotherLongTermKeyDoesNotOpen()
    {
        // INITIATE claims the client's public key C, but the vouch was boxed with another secret key.
        var server = new CurveServerMechanism(CurvePair.ServerKeys.PublicKeyBytes(), CurvePair.ServerKeys.SecretKeyBytes());
        var impostor = new RawCurveClient(CurvePair.ServerKeys.PublicKeyBytes(), CurvePair.ClientKeys.PublicKeyBytes(), Curve.GenerateKeyPair().SecretKeyBytes());
        using (server)
        {
            Assert.Equal(MechanismStatus.InProgress, server.Process(impostor.Hello()));
            impostor.Welcome(CurvePair.Take(server));
            Assert.Equal(MechanismStatus.Malformed, server.Process(impostor.Initiate(s_metadata)));
            Assert.Equal(ProtocolError.Cryptographic, server.FailureCode);
        }
    }

    [Fact]
    public void MalformedMetadataIsInvalidMetadata()
    {
        var (server, client) = RawHandshakeToInitiate();
        using (server)
        {
            byte[] metadata = [11, .. "Socket-Type"u8, 0, 0, 0, 99, .. "DEALER"u8]; // the value claims 99 bytes
            Assert.Equal(MechanismStatus.Malformed, server.Process(client.Initiate(metadata)));
            Assert.Equal(ProtocolError.InvalidMetadata, server.FailureCode);
        }
    }
}
