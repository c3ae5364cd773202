using System.Text;
using Zera.Protocol;
using Zera.Protocol.Mechanisms;

namespace Zera.Fuzz.Targets;

/// <summary>
/// <c>zmtp</c>: a whole <see cref="ZmtpConnection"/> with the NULL mechanism, fed the rest of the input after the
/// config octet as the peer's byte stream (greeting, handshake commands, frames, PING, SUBSCRIBE...), in chunks.
/// Config bits 0-2 choose our socket type; bit 3 turns ZAP on (accepted when asked); bits 4-6 are the chunk size
/// (0: all at once); bit 7 receives large frames through <see cref="ZmtpConnection.PayloadRemaining"/> as the stream
/// engine does. Heartbeats are on and the clock moves 40 ms per chunk, so timers fire too. <see cref="ZmtpConnection.Read"/>
/// documents no exception (it turns <see cref="ProtocolException"/> into an end), so every exception is a crash, and
/// so is a <see cref="ZmtpEvent.NeedMore"/> that left input unconsumed or a loop that makes no progress.
/// </summary>
internal sealed class ZmtpTarget : FuzzTarget
{
    private static readonly SocketType[] s_types =
        [SocketType.Dealer, SocketType.Router, SocketType.Sub, SocketType.XPub, SocketType.Pull, SocketType.Rep, SocketType.Pair, SocketType.Pub];

    public override string Name => "zmtp";

    public override string Description => "ZmtpConnection.Read (NULL mechanism) on the peer's bytes in chunks, timers and ZAP included";

    public override void Run(ReadOnlySpan<byte> input)
    {
        byte config = input.IsEmpty ? (byte)0 : input[0];
        var stream = input.IsEmpty ? default : input[1..];
        var type = s_types[config & 7];
        bool zap = (config & 8) != 0;
        int chunkSize = (config >> 4) & 7;
        bool direct = (config & 0x80) != 0;
        var settings = new ZmtpSettings
        {
            SocketType = type,
            RoutingId = "me"u8.ToArray(),
            HandshakeInterval = 1_000,
            HeartbeatInterval = 100,
            HeartbeatTimeout = 300,
            HeartbeatTtl = 1_000,
            MaxMessageSize = 1 << 20,
        };
        var mechanism = new NullMechanism(zap, ("Socket-Type", Encoding.ASCII.GetBytes(SocketTypes.Name(type))), ("Identity", settings.RoutingId));
        var connection = new ZmtpConnection(settings, mechanism);
        long now = 1_000_000;
        var output = new byte[256];
        try
        {
            connection.Start(now);
            Drain(connection, output);
            int at = 0;
            while (at < stream.Length)
            {
                int n = chunkSize == 0 ? stream.Length - at : Math.Min(chunkSize, stream.Length - at);
                if (!Feed(connection, stream.Slice(at, n), now, direct)) return;
                at += n;
                Drain(connection, output);
                now += 40;
                if (now >= connection.NextDeadline && connection.OnTimer(now) == ZmtpEvent.Ended) return;
                Drain(connection, output);
            }
        }
        finally
        {
            connection.ReleaseInput();
            connection.ReleaseMechanism();
        }
    }

    /// <summary>Feeds one chunk as the stream engine does; false once the connection ended.</summary>
    private static bool Feed(ZmtpConnection connection, ReadOnlySpan<byte> chunk, long now, bool direct)
    {
        int at = 0;
        for (int guard = 0; ; guard++)
        {
            if (guard > 2 * chunk.Length + 16) throw new FuzzInvariantException("Read makes no progress");
            ZmtpEvent e;
            Frame frame;
            var remaining = direct ? connection.PayloadRemaining : default;
            if (remaining.Length > 0 && at < chunk.Length)
            {
                int n = Math.Min(remaining.Length, chunk.Length - at);
                chunk.Slice(at, n).CopyTo(remaining.Span);
                at += n;
                e = connection.AdvancePayload(n, now, out frame);
            }
            else
            {
                e = connection.Read(chunk[at..], now, out int consumed, out frame);
                if (consumed < 0 || consumed > chunk.Length - at) throw new FuzzInvariantException($"Read consumed {consumed} of {chunk.Length - at}");
                at += consumed;
                if (e == ZmtpEvent.NeedMore && at != chunk.Length) throw new FuzzInvariantException("NeedMore with input left over");
            }
            frame.Dispose();
            switch (e)
            {
                case ZmtpEvent.Ended:
                    return false;
                case ZmtpEvent.ZapRequest:
                    if (connection.PendingZapRequest is null) throw new FuzzInvariantException("ZapRequest without a pending request");
                    if (connection.OnZapReply(ZapReply.Accept, fromHandler: false, now) == ZmtpEvent.Ended) return false;
                    break;
                case ZmtpEvent.NeedMore:
                    if (at == chunk.Length) return true;
                    break;
            }
        }
    }

    private static void Drain(ZmtpConnection connection, byte[] output)
    {
        for (int i = 0; connection.TakeOutput(output) > 0; i++)
            if (i > 10_000) throw new FuzzInvariantException("TakeOutput never runs dry");
    }

    public override IEnumerable<byte[]> Seeds()
    {
        byte[] Greeting(string mechanism = "NULL")
        {
            var g = new byte[Protocol.Greeting.Size];
            Protocol.Greeting.Write(g, mechanism, asServer: false);
            return g;
        }
        byte[] Commands(params byte[][] bodies) => Frames(bodies.Select(b => (b, false, true)).ToArray());
        byte[] Ready(string type) => Command.BuildReady(("Socket-Type", Encoding.ASCII.GetBytes(type)), ("Identity", "peer"u8.ToArray()));

        // DEALER (config 0) with a ROUTER peer: handshake, a two-part message, a PING.
        yield return [0, .. Greeting(), .. Commands(Ready("ROUTER")), .. Frames(("a"u8.ToArray(), true, false), ("bc"u8.ToArray(), false, false)),
            .. Commands(Command.BuildPing(10, "x"u8))];
        // XPUB (3) with a SUB peer sending SUBSCRIBE and CANCEL as commands, one byte at a time (chunk 1).
        yield return [3 | 0x10, .. Greeting(), .. Commands(Ready("SUB"), Command.Build(Command.Subscribe, "topic"u8), Command.Build(Command.Cancel, "topic"u8))];
        // PULL (4) with ZAP (8), chunks of 5, a large frame read directly (0x80).
        yield return [4 | 8 | 0x50 | 0x80, .. Greeting(), .. Commands(Ready("PUSH")), .. Frames((new byte[3000], false, false))];
        // ROUTER (1): an ERROR in the handshake.
        yield return [1, .. Greeting(), .. Commands(Command.BuildError("nope"))];
        // SUB (2) with a PUB peer sending a message with a long (8-byte) length.
        yield return [2 | 0x30, .. Greeting(), .. Commands(Ready("PUB")), .. Frames((new byte[300], false, false))];
        // A ZMTP 2.0 peer (old signature, then the rest).
        var v2 = Greeting();
        v2[10] = 1;
        yield return [0, .. v2.AsSpan(0, 12), 5, 0, 0, 3, (byte)'p', (byte)'e', (byte)'e'];
        // A PLAIN greeting to a NULL socket.
        yield return [0, .. Greeting("PLAIN")];
        // PUB (7) with a SUB peer: SUBSCRIBE, a PING with a context and one too short, a PONG, an unknown command, CANCEL.
        yield return [7, .. Greeting(), .. Commands(Ready("SUB"), Command.Build(Command.Subscribe, "a"u8), Command.BuildPing(1, "ctx"u8),
            Command.BuildPong("ctx"u8), Command.Build("X-NEW", "1"u8), Command.Build(Command.Cancel, "a"u8), Command.Build(Command.Ping, [0]))];
        // XPUB (3): a SUBSCRIBE between the frames of a message (malformed), after READY with extra metadata.
        yield return [3, .. Greeting(), .. Commands(Command.BuildReady(("Socket-Type", "XSUB"u8.ToArray()), ("X-Extra", new byte[40]))),
            .. Frames(("m"u8.ToArray(), true, false)), .. Commands(Command.Build(Command.Subscribe, "b"u8))];
        // PAIR (6), chunks of 3: a PING every 40 ms of clock, then silence while timers run (a PONG back to ours).
        yield return [6 | 0x30, .. Greeting(), .. Commands(Ready("PAIR"), Command.BuildPing(0, []), Command.BuildPong([]), Command.BuildPong([]), Command.BuildError("late"))];
    }

    /// <summary>Frames on the wire: each header (short or long) then the body.</summary>
    private static byte[] Frames(params (byte[] Body, bool More, bool Command)[] frames)
    {
        var stream = new MemoryStream();
        var header = new byte[FrameHeader.MaxSize];
        foreach (var (body, more, command) in frames)
        {
            stream.Write(header, 0, FrameHeader.Write(header, body.Length, more, command));
            stream.Write(body);
        }
        return stream.ToArray();
    }
}
