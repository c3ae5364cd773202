using System.Buffers.Binary;
using System.Text;
using Zera.Protocol;

namespace Zera.Fuzz.Targets;

/// <summary>
/// <c>zmtp-parts</c>: the ZMTP parsers one by one, beside the whole connection of <c>zmtp</c>, with the properties
/// each must have. Config bits 0-1 choose the mode:
/// 0, every chunk is a command body: <see cref="Command.Parse"/> and <see cref="Command.TryParse"/> agree, then by
/// name READY's metadata (<see cref="Command.ParseProperties"/> agrees with <see cref="Command.TryParseProperties"/>
/// and what it parsed builds and parses back to the same properties), ERROR's reason, PING (the PONG answering it
/// carries its context, at most 16 octets), SUBSCRIBE and CANCEL;
/// 1, the rest is a greeting: <see cref="Greeting.Parse"/> agrees with <see cref="Greeting.CheckPrefix"/>;
/// 2, the rest is a stream of frames for a <see cref="FrameDecoder"/> (bits 2-3 the framing, bits 4-6 the chunk size);
/// 3, every chunk is the body of a frame (its first octet choosing MORE or COMMAND) written with
/// <see cref="FrameHeader.Write(Span{byte}, long, bool, bool)"/> and decoded back in chunks of bits 4-6: the same frames come out.
/// <see cref="ProtocolException"/> is allowed where the parser documents it; anything else is a crash.
/// </summary>
internal sealed class ZmtpPartsTarget : FuzzTarget
{
    public override string Name => "zmtp-parts";

    public override string Description => "Command, READY metadata, ERROR, PING/PONG, SUBSCRIBE/CANCEL, Greeting and FrameDecoder, each with its properties";

    public override void Run(ReadOnlySpan<byte> input)
    {
        var reader = new FuzzInput(input);
        int chunkSize = ((reader.Config >> 4) & 7) + 1;
        switch (reader.Config & 3)
        {
            case 0:
                while (reader.TryNext(out var body)) CheckCommand(body);
                break;
            case 1:
                CheckGreeting(reader.Rest);
                break;
            case 2:
                DecodeStream(reader.Rest, (ZmtpFraming)((reader.Config >> 2) % 3), chunkSize);
                break;
            default:
                RoundTripFrames(ref reader, chunkSize);
                break;
        }
    }

    private static void CheckCommand(ReadOnlySpan<byte> body)
    {
        string? name;
        ReadOnlySpan<byte> data;
        try
        {
            name = Command.Parse(body, out data);
        }
        catch (ProtocolException)
        {
            name = null;
            data = default;
        }
        bool parsed = Command.TryParse(body, out var tryName, out var tryData);
        if (parsed != (name != null) || tryName != name || !tryData.SequenceEqual(data)) throw new FuzzInvariantException("Command.Parse and Command.TryParse disagree");
        if (name is null) return;
        if (data.Length != body.Length - 1 - body[0]) throw new FuzzInvariantException("the command data is not what follows the name");

        switch (name)
        {
            case Command.Ready:
                CheckProperties(data);
                break;
            case Command.Error:
                bool ok = Command.TryErrorReason(data, out var reason);
                if (ok && reason.Length != data[0]) throw new FuzzInvariantException("ERROR's reason has the wrong length");
                if (!ok && Command.ErrorReason(data) != "(no reason)") throw new FuzzInvariantException("an unparsed ERROR has a reason");
                break;
            case Command.Ping:
                var pong = Command.BuildPong(data);
                if (Command.Parse(pong, out var pongData) != Command.Pong) throw new FuzzInvariantException("the PONG is not a PONG");
                var context = data.Length > 2 ? data[2..] : default;
                if (!pongData.SequenceEqual(context[..Math.Min(16, context.Length)])) throw new FuzzInvariantException("the PONG does not carry the PING's context");
                if (data.Length >= 2)
                {
                    var again = Command.BuildPing(BinaryPrimitives.ReadUInt16BigEndian(data), context);
                    if (Command.Parse(again, out var pingData) != Command.Ping || !pingData.SequenceEqual(data[..Math.Min(data.Length, 18)]))
                        throw new FuzzInvariantException("a PING does not rebuild to itself");
                }
                break;
            case Command.Subscribe or Command.Cancel:
                var rebuilt = Command.Build(name, data);
                if (!rebuilt.AsSpan().SequenceEqual(body)) throw new FuzzInvariantException($"{name} does not rebuild to itself");
                break;
        }
    }

    private static void CheckProperties(ReadOnlySpan<byte> data)
    {
        Dictionary<string, byte[]>? properties;
        try
        {
            properties = Command.ParseProperties(data);
        }
        catch (ProtocolException)
        {
            properties = null;
        }
        if (Command.TryParseProperties(data, out var tried) != (properties != null)) throw new FuzzInvariantException("ParseProperties and TryParseProperties disagree");
        if (properties is null) return;
        if (tried!.Count != properties.Count) throw new FuzzInvariantException("TryParseProperties found other properties");
        // Names are ASCII on the wire; the ones that survive ASCII decoding unchanged build back to the same bytes.
        var list = properties.Where(p => p.Key.Length is > 0 and < 256 && p.Key.All(c => c < 0x80 && c != '?')).Select(p => (p.Key, p.Value)).ToArray();
        var back = Command.ParseProperties(Command.BuildMetadata(list));
        if (back.Count != list.Length) throw new FuzzInvariantException("built metadata parses to another number of properties");
        foreach (var (key, value) in list)
        {
            if (!back.TryGetValue(key, out var v) || !v.AsSpan().SequenceEqual(value)) throw new FuzzInvariantException($"property {key} does not survive building");
        }
    }

    private static void CheckGreeting(ReadOnlySpan<byte> data)
    {
        string? prefix = Greeting.CheckPrefix(data);
        Greeting? greeting;
        try
        {
            greeting = Greeting.Parse(data);
        }
        catch (ProtocolException)
        {
            greeting = null;
        }
        if (greeting is null) return;
        if (prefix != null) throw new FuzzInvariantException("Parse accepted a greeting CheckPrefix refuses");
        var g = greeting.Value;
        if (g.Major < 3 || g.Mechanism.Length > 20 || g.Mechanism.Contains('\0')) throw new FuzzInvariantException($"parsed {g}");
        var written = new byte[Greeting.Size];
        Greeting.Write(written, g.Mechanism.Replace('?', 'X'), g.AsServer);
        var again = Greeting.Parse(written);
        if (again.Major != 3 || again.Minor != 1 || again.AsServer != g.AsServer || again.Mechanism.Length != g.Mechanism.Length)
            throw new FuzzInvariantException("a written greeting does not parse back");
    }

    private static void DecodeStream(ReadOnlySpan<byte> stream, ZmtpFraming framing, int chunkSize)
    {
        var decoder = new FrameDecoder(1 << 16) { Framing = framing };
        try
        {
            int at = 0;
            while (at < stream.Length)
            {
                var chunk = stream.Slice(at, Math.Min(chunkSize, stream.Length - at));
                int used = 0;
                for (int guard = 0; ; guard++)
                {
                    if (guard > chunk.Length + 2) throw new FuzzInvariantException("TryDecode makes no progress");
                    bool got = decoder.TryDecode(chunk[used..], out int consumed, out var frame);
                    if (consumed < 0 || consumed > chunk.Length - used) throw new FuzzInvariantException($"consumed {consumed} of {chunk.Length - used}");
                    used += consumed;
                    if (!got)
                    {
                        if (used != chunk.Length) throw new FuzzInvariantException("no frame, yet input left over");
                        break;
                    }
                    if (frame.Size > 1 << 16) throw new FuzzInvariantException($"a frame of {frame.Size} bytes past MAXMSGSIZE");
                    if (frame.More && (frame.Flags & FrameFlags.Command) != 0) throw new FuzzInvariantException("a command with MORE");
                    frame.Dispose();
                    if (used == chunk.Length) break;
                }
                at += chunk.Length;
            }
        }
        catch (ProtocolException)
        {
        }
        decoder.Reset();
        decoder.ReleaseIdleMemory();
    }

    private static void RoundTripFrames(ref FuzzInput reader, int chunkSize)
    {
        var stream = new MemoryStream();
        var expected = new List<(byte[] Body, bool More, bool Command)>();
        var header = new byte[FrameHeader.MaxSize];
        while (reader.TryNext(out var body))
        {
            byte flags = body.IsEmpty ? (byte)0 : body[0];
            bool command = (flags & 2) != 0;
            bool more = !command && (flags & 1) != 0;
            stream.Write(header, 0, FrameHeader.Write(header, body.Length, more, command));
            stream.Write(body);
            expected.Add((body.ToArray(), more, command));
        }
        var wire = stream.ToArray();
        var decoder = new FrameDecoder(-1);
        int next = 0, at = 0;
        while (at < wire.Length)
        {
            var chunk = wire.AsSpan(at, Math.Min(chunkSize, wire.Length - at));
            int used = 0;
            while (used < chunk.Length)
            {
                if (!decoder.TryDecode(chunk[used..], out int consumed, out var frame))
                {
                    used += consumed;
                    break;
                }
                used += consumed;
                if (next == expected.Count) throw new FuzzInvariantException("more frames decoded than written");
                var (body, more, command) = expected[next++];
                bool isCommand = (frame.Flags & FrameFlags.Command) != 0;
                if (!frame.Span.SequenceEqual(body) || frame.More != more || isCommand != command)
                    throw new FuzzInvariantException($"frame {next - 1} decoded differently");
                frame.Dispose();
            }
            if (used != chunk.Length) throw new FuzzInvariantException("input left over");
            at += chunk.Length;
        }
        // An empty frame is decoded as soon as its header is: every frame written comes out.
        if (next != expected.Count) throw new FuzzInvariantException($"{expected.Count} frames written, {next} decoded");
    }

    public override IEnumerable<byte[]> Seeds()
    {
        yield return FuzzInput.Encode(0,
            Command.BuildReady(("Socket-Type", "DEALER"u8.ToArray()), ("Identity", "abc"u8.ToArray()), ("X-Custom", new byte[300])),
            Command.BuildError("Invalid socket type"),
            Command.BuildPing(50, "context"u8),
            Command.BuildPing(1, new byte[16]),
            Command.BuildPong("ctx"u8),
            Command.Build(Command.Subscribe, "topic"u8),
            Command.Build(Command.Cancel, []),
            Command.Build(Command.Ready, [5, (byte)'a', (byte)'b']),
            Command.Build(Command.Ping, [1]),
            Command.Build(Command.Error, [9, (byte)'x']),
            [5, (byte)'R']);
        var greeting = new byte[Greeting.Size];
        Greeting.Write(greeting, "CURVE", asServer: true);
        yield return [1, .. greeting];
        Greeting.Write(greeting, "NULL", asServer: false);
        greeting[10] = 2;
        yield return [1, .. greeting];
        var frames = new MemoryStream();
        var header = new byte[FrameHeader.MaxSize];
        foreach (var (size, more, command) in new[] { (0, false, false), (5, true, false), (300, false, false), (10, false, true) })
        {
            frames.Write(header, 0, FrameHeader.Write(header, size, more, command));
            frames.Write(new byte[size]);
        }
        yield return [2 | 0x30, .. frames.ToArray()];
        yield return [2 | 4, 0, 1, 0];                                 // ZMTP 2.0 framing
        yield return [2 | 8, 2, 0, 1, 0];                              // ZMTP 1.0 framing
        yield return [2, 0x02, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]; // a frame too large
        yield return [2, 0x05, 0];                                     // a command with MORE
        yield return FuzzInput.Encode(3 | 0x20, [1, 2], [0], [], [2, .. Encoding.ASCII.GetBytes("PING")], new byte[400]);
    }
}
