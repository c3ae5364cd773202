using System.Text;
using Zera.Protocol;
using Zera.Protocol.Mechanisms;

namespace Zera.Tests.Protocol;

/// <summary>
/// The mechanism seam that CURVE plugs into: a mechanism that carries every message frame inside a command of its
/// own (here a toy "XOR" mechanism: READY like NULL, then each frame as a MESSAGE command with its payload xored).
/// The connection must send every frame through it, decode the peer's commands back into frames with their MORE
/// flags, and refuse a plain data frame once the mechanism owns the framing, all without knowing its commands.
/// </summary>
public class FrameTransformSeamTests
{
    private const long T0 = 5_000;

    /// <summary>A toy mechanism: NULL's READY for the handshake, then MESSAGE commands (flags octet, then the payload
    /// xored with 0x5A). Nothing secret about it; it only shows where encryption goes.</summary>
    private sealed class XorMechanism(SocketType type) : IMechanism, IFrameTransform
    {
        private readonly NullMechanism _null = new(("Socket-Type", Encoding.ASCII.GetBytes(SocketTypes.Name(type))));
        private static readonly byte[] s_name = [7, .. "MESSAGE"u8];

        public string Name => "XOR";

        public bool AsServer => false;

        public string? Failure => _null.Failure;

        public IReadOnlyDictionary<string, byte[]> PeerProperties => _null.PeerProperties;

        public IFrameTransform? FrameTransform => this;

        public bool TryTakeCommand(out byte[] body) => _null.TryTakeCommand(out body);

        public MechanismStatus Process(ReadOnlySpan<byte> command) => _null.Process(command);

        public int MaxEncodedSize(int size) => FrameHeader.MaxSize + s_name.Length + 1 + size;

        public int EncodeCommand(ReadOnlySpan<byte> body, Span<byte> dest)
        {
            int n = Encode(body, more: false, dest);
            dest[FrameHeader.SizeOf(s_name.Length + 1 + body.Length) + s_name.Length] = 2;
            return n;
        }

        public int Encode(ReadOnlySpan<byte> payload, bool more, Span<byte> dest)
        {
            int body = s_name.Length + 1 + payload.Length;
            int n = FrameHeader.Write(dest, body, more: false, command: true);
            s_name.CopyTo(dest[n..]);
            n += s_name.Length;
            dest[n++] = more ? (byte)1 : (byte)0;
            for (int i = 0; i < payload.Length; i++) dest[n++] = (byte)(payload[i] ^ 0x5A);
            return n;
        }

        public bool TryDecode(ReadOnlySpan<byte> command, out Frame frame)
        {
            frame = default;
            if (!command.StartsWith(s_name)) return false;
            var rest = command[s_name.Length..];
            if (rest.Length < 1 || rest[0] > 2) throw new ProtocolException("malformed MESSAGE");
            var data = new byte[rest.Length - 1];
            for (int i = 0; i < data.Length; i++) data[i] = (byte)(rest[1 + i] ^ 0x5A);
            frame = Frame.Wrap(data);
            if (rest[0] == 1) frame.Flags |= FrameFlags.More;
            if (rest[0] == 2) frame.Flags |= FrameFlags.Command;
            return true;
        }
    }

    private static ZmtpConnection Make(SocketType type) =>
        new(new ZmtpSettings { SocketType = type }, new XorMechanism(type));

    private static byte[] Output(ZmtpConnection c) => ZmtpConnectionTests.Output(c);

    private static List<(ZmtpEvent Event, byte[] Payload, bool More)> Feed(ZmtpConnection c, ReadOnlySpan<byte> bytes) =>
        ZmtpConnectionTests.Feed(c, bytes, T0);

    private static (ZmtpConnection Push, ZmtpConnection Pull) Connected()
    {
        var push = Make(SocketType.Push);
        var pull = Make(SocketType.Pull);
        push.Start(T0);
        pull.Start(T0);
        var events = new List<ZmtpEvent>();
        for (int round = 0; round < 10 && (push.HasOutput || pull.HasOutput); round++)
        {
            events.AddRange(Feed(pull, Output(push)).Select(e => e.Event));
            events.AddRange(Feed(push, Output(pull)).Select(e => e.Event));
        }
        Assert.Equal([ZmtpEvent.HandshakeDone, ZmtpEvent.HandshakeDone], events);
        return (push, pull);
    }

    [Fact]
    public void EveryFrameTravelsThroughTheMechanismAndComesBackWhole()
    {
        var (push, pull) = Connected();
        Assert.True(push.TransformsFrames);
        var wire = new List<byte>();
        foreach (var (text, more) in new[] { ("first", true), ("", true), ("last", false) })
        {
            var f = Frame.CopyOf(Encoding.ASCII.GetBytes(text));
            if (more) f.Flags |= FrameFlags.More;
            var dest = new byte[push.MaxEncodedSize(f.Length)];
            int n = push.EncodeFrame(ref f, dest);
            Assert.Equal(0x04, dest[0] & 0x04); // a command frame on the wire, never a plain data frame
            wire.AddRange(dest[..n]);
        }
        Assert.DoesNotContain((byte)'f', wire); // the payload does not travel as it is
        var events = Feed(pull, wire.ToArray());
        Assert.Equal([ZmtpEvent.Frame, ZmtpEvent.Frame, ZmtpEvent.Frame], events.Select(e => e.Event));
        Assert.Equal(["first", "", "last"], events.Select(e => Encoding.ASCII.GetString(e.Payload)));
        Assert.Equal([true, true, false], events.Select(e => e.More));
    }

    [Fact]
    public void PlainDataFrameIsRefusedOnceTheMechanismOwnsTheFraming()
    {
        var (_, pull) = Connected();
        var events = Feed(pull, [0x00, 2, (byte)'h', (byte)'i']);
        Assert.Equal([ZmtpEvent.Ended], events.Select(e => e.Event));
        Assert.Equal(ConnectionEnd.Malformed, pull.End);
        Assert.Contains("XOR", pull.EndReason);
    }

    [Fact]
    public void CorruptMessageCommandEndsTheConnection()
    {
        var (_, pull) = Connected();
        byte[] body = [7, .. "MESSAGE"u8, 9];
        var events = Feed(pull, [0x04, (byte)body.Length, .. body]);
        Assert.Equal([ZmtpEvent.Ended], events.Select(e => e.Event));
        Assert.Equal(ConnectionEnd.Malformed, pull.End);
    }

    [Fact]
    public void NullMechanismLeavesFramesAsTheyAre()
    {
        var c = ZmtpConnectionTests.Make(SocketType.Push);
        Assert.False(c.TransformsFrames);
        var f = Frame.CopyOf("ab"u8);
        var dest = new byte[c.MaxEncodedSize(2)];
        Assert.Equal(4, c.EncodeFrame(ref f, dest));
        Assert.Equal(new byte[] { 0x00, 2, (byte)'a', (byte)'b' }, dest[..4]);
    }
}
