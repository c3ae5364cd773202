using System.Buffers.Binary;
using System.Text;

namespace Zera.Protocol;

/// <summary>ZMTP command bodies (RFC 23 §Commands, RFC 37 §PING/PONG): a short name, then command data.</summary>
internal static class Command
{
    public const string Ready = "READY";
    public const string Error = "ERROR";
    public const string Ping = "PING";
    public const string Pong = "PONG";
    public const string Subscribe = "SUBSCRIBE";
    public const string Cancel = "CANCEL";

    /// <summary>Splits a command body into its name and data; throws when malformed.</summary>
    public static string Parse(ReadOnlySpan<byte> body, out ReadOnlySpan<byte> data)
    {
        if (body.Length < 1 || body[0] == 0 || body.Length < 1 + body[0])
            throw new ProtocolException("malformed command frame", ProtocolError.UnexpectedCommand);
        int n = body[0];
        data = body[(1 + n)..];
        return Encoding.ASCII.GetString(body.Slice(1, n));
    }

    /// <summary>Builds a READY body with the given metadata properties.</summary>
    public static byte[] BuildReady(params ReadOnlySpan<(string Name, byte[] Value)> properties)
    {
        int size = 1 + Ready.Length;
        foreach (var (name, value) in properties) size += 1 + name.Length + 4 + value.Length;
        var body = new byte[size];
        int at = WriteName(body, Ready);
        foreach (var (name, value) in properties)
        {
            body[at++] = (byte)name.Length;
            at += Encoding.ASCII.GetBytes(name, body.AsSpan(at));
            BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(at), (uint)value.Length);
            at += 4;
            value.CopyTo(body, at);
            at += value.Length;
        }
        return body;
    }

    /// <summary>Parses READY metadata into a dictionary keyed case-insensitively (RFC 23: names are case-insensitive).</summary>
    public static Dictionary<string, byte[]> ParseProperties(ReadOnlySpan<byte> data)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        while (data.Length > 0)
        {
            int nameLen = data[0];
            if (nameLen == 0 || data.Length < 1 + nameLen + 4) throw new ProtocolException("malformed metadata property", ProtocolError.InvalidMetadata);
            string name = Encoding.ASCII.GetString(data.Slice(1, nameLen));
            uint valueLen = BinaryPrimitives.ReadUInt32BigEndian(data[(1 + nameLen)..]);
            data = data[(1 + nameLen + 4)..];
            if (valueLen > (uint)data.Length) throw new ProtocolException("metadata value runs past the command", ProtocolError.InvalidMetadata);
            result[name] = data[..(int)valueLen].ToArray();
            data = data[(int)valueLen..];
        }
        return result;
    }

    /// <summary>Parses metadata like <see cref="ParseProperties"/>, without throwing: false when it does not parse
    /// (a mechanism turns that into its own refusal).</summary>
    public static bool TryParseProperties(ReadOnlySpan<byte> data, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Dictionary<string, byte[]>? properties)
    {
        try
        {
            properties = ParseProperties(data);
            return true;
        }
        catch (ProtocolException)
        {
            properties = null;
            return false;
        }
    }

    /// <summary>Splits a command body into its name and data without throwing; false when the body is too short to
    /// hold the name its first octet announces.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? name, out ReadOnlySpan<byte> data)
    {
        if (body.Length < 1 || body[0] == 0 || body.Length < 1 + body[0])
        {
            name = null;
            data = default;
            return false;
        }
        data = body[(1 + body[0])..];
        name = Encoding.ASCII.GetString(body.Slice(1, body[0]));
        return true;
    }

    /// <summary>Builds a body that is a command name followed by <paramref name="data"/> as it is.</summary>
    public static byte[] Build(string name, ReadOnlySpan<byte> data)
    {
        var body = new byte[1 + name.Length + data.Length];
        int at = WriteName(body, name);
        data.CopyTo(body.AsSpan(at));
        return body;
    }

    /// <summary>The metadata of a READY (or INITIATE) body, as <see cref="BuildReady"/> lays it out, without the name.</summary>
    public static byte[] BuildMetadata(params ReadOnlySpan<(string Name, byte[] Value)> properties) =>
        BuildReady(properties)[(1 + Ready.Length)..];

    /// <summary>Builds an ERROR body with a reason (at most 255 bytes).</summary>
    public static byte[] BuildError(string reason)
    {
        var r = Encoding.ASCII.GetBytes(reason.Length > 255 ? reason[..255] : reason);
        var body = new byte[1 + Error.Length + 1 + r.Length];
        int at = WriteName(body, Error);
        body[at++] = (byte)r.Length;
        r.CopyTo(body, at);
        return body;
    }

    /// <summary>Builds a PING body: TTL in deciseconds and an opaque context (at most 16 bytes).</summary>
    public static byte[] BuildPing(ushort ttlDeciseconds, ReadOnlySpan<byte> context)
    {
        if (context.Length > 16) context = context[..16]; // RFC 37: at most 16 octets of context
        var body = new byte[1 + Ping.Length + 2 + context.Length];
        int at = WriteName(body, Ping);
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(at), ttlDeciseconds);
        context.CopyTo(body.AsSpan(at + 2));
        return body;
    }

    /// <summary>Builds the PONG answering a PING whose data (after the name) is <paramref name="pingData"/>.</summary>
    public static byte[] BuildPong(ReadOnlySpan<byte> pingData)
    {
        var context = pingData.Length > 2 ? pingData[2..] : default;
        if (context.Length > 16) context = context[..16];
        var body = new byte[1 + Pong.Length + context.Length];
        int at = WriteName(body, Pong);
        context.CopyTo(body.AsSpan(at));
        return body;
    }

    /// <summary>The reason in an ERROR command's data, or "(no reason)".</summary>
    public static string ErrorReason(ReadOnlySpan<byte> data) => TryErrorReason(data, out var reason) ? reason : "(no reason)";

    /// <summary>The reason in an ERROR command's data (a length octet, then that many bytes); false when the data is
    /// not that.</summary>
    public static bool TryErrorReason(ReadOnlySpan<byte> data, out string reason)
    {
        bool ok = data.Length > 0 && data.Length >= 1 + data[0];
        reason = ok ? Encoding.ASCII.GetString(data.Slice(1, data[0])) : "";
        return ok;
    }

    private static int WriteName(Span<byte> body, string name)
    {
        body[0] = (byte)name.Length;
        Encoding.ASCII.GetBytes(name, body[1..]);
        return 1 + name.Length;
    }
}
