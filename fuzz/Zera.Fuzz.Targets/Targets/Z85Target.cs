using System.Text;

namespace Zera.Fuzz.Targets;

/// <summary>
/// <c>z85</c>: <see cref="Z85"/> (RFC 32) and the CURVE key parsers built on it. Config bits 0-1 choose the mode:
/// 0, the rest of the input as text, one character per octet; 1, the rest as UTF-16 (two octets a character, so
/// characters past ASCII and lone surrogates too); 2, the rest as bytes to encode; 3, the rest as a CURVE key (raw or
/// Z85 bytes, <see cref="SecurityKeys.Parse(string, byte[])"/>, and as text, <see cref="Curve.DecodeKey(string?, string)"/>).
/// Decoding either throws the documented <see cref="ArgumentException"/> naming its parameter or returns bytes that
/// encode back to the same text; <see cref="Z85.TryDecode"/> and <see cref="Z85.TryEncode"/> agree with the throwing
/// forms; encoding a multiple of 4 bytes decodes back to them and anything else is refused.
/// </summary>
internal sealed class Z85Target : FuzzTarget
{
    public override string Name => "z85";

    public override string Description => "Z85.Decode/TryDecode/Encode/TryEncode and CURVE key parsing: refusal as documented or an exact round trip";

    public override void Run(ReadOnlySpan<byte> input)
    {
        byte config = input.IsEmpty ? (byte)0 : input[0];
        var rest = input.IsEmpty ? default : input[1..];
        switch (config & 3)
        {
            case 0:
                CheckDecode(Encoding.Latin1.GetString(rest));
                break;
            case 1:
                CheckDecode(Utf16(rest));
                break;
            case 2:
                CheckEncode(rest);
                break;
            default:
                CheckKey(rest);
                break;
        }
    }

    private static string Utf16(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length / 2];
        for (int i = 0; i < chars.Length; i++) chars[i] = (char)(bytes[2 * i] << 8 | bytes[2 * i + 1]);
        return new string(chars);
    }

    private static void CheckDecode(string text)
    {
        byte[]? decoded = null;
        try
        {
            decoded = Z85.Decode(text);
        }
        catch (ArgumentException e) when (e.GetType() == typeof(ArgumentException) && e.ParamName == "text")
        {
        }

        var buffer = new byte[text.Length / 5 * 4 + 3];
        bool ok = Z85.TryDecode(text, buffer, out int written);
        if (ok != (decoded != null)) throw new FuzzInvariantException($"TryDecode says {ok}, Decode {(decoded != null ? "decoded" : "threw")}");
        if (decoded is null)
        {
            if (written != 0) throw new FuzzInvariantException("TryDecode failed but reports bytes written");
            return;
        }
        if (decoded.Length != text.Length / 5 * 4 || text.Length % 5 != 0) throw new FuzzInvariantException($"{text.Length} characters decoded to {decoded.Length} bytes");
        if (written != decoded.Length || !buffer.AsSpan(0, written).SequenceEqual(decoded)) throw new FuzzInvariantException("TryDecode and Decode differ");
        // Z85 is one-to-one on valid text: the bytes encode back to exactly the same characters.
        if (Z85.Encode(decoded) != text) throw new FuzzInvariantException("decoded text does not encode back to itself");
        // A destination one byte short is refused.
        if (decoded.Length > 0 && Z85.TryDecode(text, new byte[decoded.Length - 1], out _)) throw new FuzzInvariantException("TryDecode wrote past a short destination");
    }

    private static void CheckEncode(ReadOnlySpan<byte> data)
    {
        string? text = null;
        try
        {
            text = Z85.Encode(data);
        }
        catch (ArgumentException e) when (e.GetType() == typeof(ArgumentException) && e.ParamName == "data")
        {
        }
        if ((text != null) != (data.Length % 4 == 0)) throw new FuzzInvariantException($"Encode of {data.Length} bytes {(text != null ? "succeeded" : "threw")}");

        var chars = new char[data.Length / 4 * 5 + 4];
        bool ok = Z85.TryEncode(data, chars, out int written);
        if (ok != (text != null)) throw new FuzzInvariantException("TryEncode and Encode disagree");
        if (text is null) return;
        if (text.Length != data.Length / 4 * 5 || written != text.Length || !chars.AsSpan(0, written).SequenceEqual(text))
            throw new FuzzInvariantException("TryEncode and Encode differ");
        foreach (char c in text)
            if (c is < '!' or > '}' or '"' or '\'' or ',' or ';' or '\\' or '_' or '`' or '|')
                throw new FuzzInvariantException($"Encode wrote {(int)c}, outside RFC 32's alphabet");
        if (!Z85.Decode(text).AsSpan().SequenceEqual(data)) throw new FuzzInvariantException("encode then decode is not the identity");
        if (data.Length > 0 && Z85.TryEncode(data, new char[text.Length - 1], out _)) throw new FuzzInvariantException("TryEncode wrote past a short destination");
    }

    private static void CheckKey(ReadOnlySpan<byte> bytes)
    {
        var raw = bytes.ToArray();
        byte[]? key = null;
        try
        {
            key = SecurityKeys.Parse("CurveServerKey", raw);
        }
        catch (ArgumentException e) when (e.GetType() == typeof(ArgumentException) && e.ParamName == "CurveServerKey")
        {
        }
        if (key != null)
        {
            if (key.Length != SecurityKeys.KeySize) throw new FuzzInvariantException($"a key of {key.Length} bytes");
            if (raw.Length == SecurityKeys.KeySize && !key.AsSpan().SequenceEqual(raw)) throw new FuzzInvariantException("a raw key was not copied as is");
            if (raw.Length == SecurityKeys.Z85Size && Z85.Encode(key) != Encoding.Latin1.GetString(raw)) throw new FuzzInvariantException("a Z85 key does not encode back");
        }
        else if (raw.Length == SecurityKeys.KeySize)
        {
            throw new FuzzInvariantException("a 32-byte raw key was refused");
        }

        string text = Encoding.Latin1.GetString(bytes);
        byte[]? decoded = null;
        try
        {
            decoded = Curve.DecodeKey(text, "key");
        }
        catch (ArgumentException e) when (e.GetType() == typeof(ArgumentException) && e.ParamName == "key")
        {
        }
        if ((decoded != null) != Curve.IsValidKey(text)) throw new FuzzInvariantException("Curve.IsValidKey and Curve.DecodeKey disagree");
        if (decoded != null && (decoded.Length != 32 || Z85.Encode(decoded) != text)) throw new FuzzInvariantException("a decoded CURVE key does not encode back");
    }

    public override IEnumerable<byte[]> Seeds()
    {
        // RFC 32's test vector: 86 4F D2 6F B5 59 F7 5B is "HelloWorld".
        yield return [0, .. "HelloWorld"u8];
        yield return [0, .. "%%%%%"u8];                               // a group above 2^32 - 1
        yield return [0, .. "Hello\"orld"u8];                         // a character outside the alphabet
        yield return [0, .. "Hell"u8];                                // not a multiple of 5
        yield return [1, 0, (byte)'H', 0, (byte)'e', 0, (byte)'l', 0, (byte)'l', 0xD8, 0x00];
        yield return [2, 0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];
        yield return [2, 1, 2, 3];
        yield return [2, 1, 2, 3, 4, 5];
        yield return [3, .. "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"u8]; // a valid CURVE public key (the libzmq test's)
        yield return [3, .. new byte[32]];
    }
}
