using Zera.Protocol;
using Zera.Protocol.Mechanisms;

namespace Zera.Tests.Security;

/// <summary>A CURVE client and server mechanism wired to each other in memory, with the helpers the mechanism tests
/// share: running the handshake step by step, and taking a MESSAGE command's body off its frame header.</summary>
internal sealed class CurvePair : IDisposable
{
    public static readonly CurveKeyPair ServerKeys = Curve.GenerateKeyPair();
    public static readonly CurveKeyPair ClientKeys = Curve.GenerateKeyPair();

    public CurvePair(byte[]? serverKeyTheClientExpects = null)
    {
        Client = new CurveClientMechanism(serverKeyTheClientExpects ?? ServerKeys.PublicKeyBytes(), ClientKeys.PublicKeyBytes(), ClientKeys.SecretKeyBytes(),
            ("Socket-Type", "DEALER"u8.ToArray()), ("Identity", "client-1"u8.ToArray()));
        Server = new CurveServerMechanism(ServerKeys.PublicKeyBytes(), ServerKeys.SecretKeyBytes(),
            ("Socket-Type", "ROUTER"u8.ToArray()));
    }

    public CurveClientMechanism Client { get; }

    public CurveServerMechanism Server { get; }

    /// <summary>The one command a mechanism has due now.</summary>
    public static byte[] Take(IMechanism mechanism)
    {
        Assert.True(mechanism.TryTakeCommand(out var body), $"{mechanism.GetType().Name} has no command due");
        Assert.False(mechanism.TryTakeCommand(out _), "more than one command due");
        return body;
    }

    /// <summary>Runs HELLO, WELCOME, INITIATE; the server is left waiting for its ZAP reply. Returns INITIATE.</summary>
    public byte[] UpToZap()
    {
        Assert.Equal(MechanismStatus.InProgress, Server.Process(Take(Client)));      // HELLO
        Assert.Equal(MechanismStatus.InProgress, Client.Process(Take(Server)));      // WELCOME
        var initiate = Take(Client);
        Assert.Equal(MechanismStatus.AwaitingZap, Server.Process(initiate));
        return initiate;
    }

    /// <summary>The whole handshake, with the ZAP handler accepting.</summary>
    public CurvePair Handshake()
    {
        UpToZap();
        Assert.Equal(MechanismStatus.Ready, Server.OnZapReply(ZapReply.Accept));
        Assert.Equal(MechanismStatus.Ready, Client.Process(Take(Server)));             // READY
        return this;
    }

    /// <summary>Encodes one frame with <paramref name="from"/>'s transform; returns the command body (no header).</summary>
    public static byte[] Message(IMechanism from, ReadOnlySpan<byte> payload, bool more = false)
    {
        var transform = from.FrameTransform!;
        var dest = new byte[transform.MaxEncodedSize(payload.Length)];
        int n = transform.Encode(payload, more, dest);
        return Body(dest.AsSpan(0, n));
    }

    /// <summary>The body of one MESSAGE frame as the wire carries it, checking its header: a data frame, as libzmq
    /// sends MESSAGE (its MORE flag is inside the box).</summary>
    public static byte[] Body(ReadOnlySpan<byte> wire)
    {
        byte flags = wire[0];
        Assert.Equal(0, flags & ~FrameHeader.Long); // neither COMMAND nor MORE
        int header = (flags & FrameHeader.Long) != 0 ? 9 : 2;
        long size = header == 9 ? System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(wire[1..]) : wire[1];
        Assert.Equal(header + size, wire.Length);
        return wire[header..].ToArray();
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}
