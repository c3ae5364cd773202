using System.Buffers.Binary;
using System.Text;

namespace Zera.IntegrationTests.Wire;

/// <summary>
/// ZMTP 3.x bytes written by hand from RFC 23/37, independently of Zera's own codec, for byte-level tests:
/// greetings, frames (short and long form), commands and READY metadata.
/// </summary>
internal static class Zmtp
{
    public const int GreetingSize = 64;
    public const byte More = 0x01;
    public const byte Long = 0x02;
    public const byte Command = 0x04;

    /// <summary>A 64-byte greeting: 0xFF, 8 padding bytes, 0x7F, version, mechanism padded to 20 bytes with
    /// zeros, as-server, 31 zero filler bytes.</summary>
    public static byte[] Greeting(byte major = 3, byte minor = 1, string mechanism = "NULL", bool asServer = false)
    {
        var g = new byte[GreetingSize];
        g[0] = 0xFF;
        g[9] = 0x7F;
        g[10] = major;
        g[11] = minor;
        Encoding.ASCII.GetBytes(mechanism).CopyTo(g, 12);
        g[32] = asServer ? (byte)1 : (byte)0;
        return g;
    }

    /// <summary>One frame: flags, then a 1-byte size (short form) or, when <paramref name="forceLong"/> or the body
    /// is over 255 bytes, the LONG flag and an 8-byte big-endian size; then the body.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> body, bool more = false, bool command = false, bool forceLong = false)
    {
        byte flags = (byte)((more ? More : 0) | (command ? Command : 0));
        var header = Header(flags, body.Length, forceLong || body.Length > 255);
        return [.. header, .. body];
    }

    /// <summary>A frame header alone, promising <paramref name="size"/> body bytes.</summary>
    public static byte[] Header(byte flags, long size, bool longForm)
    {
        if (!longForm) return [flags, (byte)size];
        var h = new byte[9];
        h[0] = (byte)(flags | Long);
        BinaryPrimitives.WriteInt64BigEndian(h.AsSpan(1), size);
        return h;
    }

    /// <summary>A data frame carrying UTF-8 text.</summary>
    public static byte[] TextFrame(string text, bool more = false) => Frame(Encoding.UTF8.GetBytes(text), more);

    /// <summary>A command body: name length, name, data.</summary>
    public static byte[] CommandBody(string name, ReadOnlySpan<byte> data) =>
        [(byte)name.Length, .. Encoding.ASCII.GetBytes(name), .. data];

    /// <summary>A metadata property: name length (1 byte), name, value length (4 bytes, big-endian), value.</summary>
    public static byte[] Property(string name, ReadOnlySpan<byte> value)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
        return [(byte)name.Length, .. Encoding.ASCII.GetBytes(name), .. length, .. value];
    }

    /// <summary>A complete READY command frame announcing <paramref name="socketType"/> (and a routing id when
    /// given).</summary>
    public static byte[] Ready(string socketType, byte[]? identity = null)
    {
        byte[] props = Property("Socket-Type", Encoding.ASCII.GetBytes(socketType));
        if (identity != null) props = [.. props, .. Property("Identity", identity)];
        return Frame(CommandBody("READY", props), command: true);
    }

    /// <summary>Parses a READY body's properties (after the name); throws on malformed input.</summary>
    public static Dictionary<string, byte[]> ParseProperties(ReadOnlySpan<byte> data)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        while (data.Length > 0)
        {
            int nameLength = data[0];
            string name = Encoding.ASCII.GetString(data.Slice(1, nameLength));
            int valueLength = BinaryPrimitives.ReadInt32BigEndian(data.Slice(1 + nameLength, 4));
            result.Add(name, data.Slice(5 + nameLength, valueLength).ToArray());
            data = data[(5 + nameLength + valueLength)..];
        }
        return result;
    }
}
