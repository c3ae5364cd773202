using System.Text;

namespace Zera.Protocol;

/// <summary>The 64-byte ZMTP 3.x greeting (RFC 23 §Greeting, RFC 37): signature, version, mechanism, as-server.</summary>
internal readonly record struct Greeting(byte Major, byte Minor, string Mechanism, bool AsServer)
{
    public const int Size = 64;

    /// <summary>Bytes needed to tell a ZMTP 3.x peer from an older one: the signature and the major version.</summary>
    public const int SignatureSize = 11;

    /// <summary>Writes a ZMTP 3.1 greeting into <paramref name="dest"/> (at least 64 bytes).</summary>
    public static void Write(Span<byte> dest, string mechanism, bool asServer)
    {
        dest[..Size].Clear();
        dest[0] = 0xFF;
        dest[9] = 0x7F;
        dest[10] = 3;
        dest[11] = 1;
        Encoding.ASCII.GetBytes(mechanism, dest.Slice(12, 20));
        dest[32] = asServer ? (byte)1 : (byte)0;
    }

    /// <summary>Checks the first bytes of a peer's greeting as soon as they arrive, so an old or foreign peer is
    /// refused before we wait for 64 bytes it may never send. Returns null when acceptable so far, else the reason.</summary>
    public static string? CheckPrefix(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 1 && data[0] != 0xFF) return "not a ZMTP 3 greeting (bad signature)";
        if (data.Length >= 10 && (data[9] & 1) == 0) return "not a ZMTP 3 greeting (ZMTP 1.0 peer)";
        if (data.Length >= 11 && data[10] < 3) return $"unsupported ZMTP version {data[10]} (ZMTP 3.0 or later needed)";
        return null;
    }

    /// <summary>Parses a complete greeting; throws <see cref="ProtocolException"/> when malformed.</summary>
    public static Greeting Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < Size) throw new ProtocolException("greeting too short");
        var prefixError = CheckPrefix(data);
        if (prefixError != null) throw new ProtocolException(prefixError);
        var mech = data.Slice(12, 20);
        int end = mech.IndexOf((byte)0);
        if (end < 0) end = mech.Length;
        return new Greeting(data[10], data[11], Encoding.ASCII.GetString(mech[..end]), data[32] == 1);
    }
}

/// <summary>Malformed or unacceptable wire data; closes the connection it came from. <see cref="Code"/> is libzmq's
/// ZMQ_PROTOCOL_ERROR_* value for it (see <see cref="ProtocolError"/>).</summary>
internal sealed class ProtocolException(string message, int code = ProtocolError.Unspecified) : Exception(message)
{
    /// <summary>libzmq's protocol-error value.</summary>
    public int Code { get; } = code;
}
