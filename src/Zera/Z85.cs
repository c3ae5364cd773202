namespace Zera;

/// <summary>
/// Z85 (ZeroMQ RFC 32): binary as printable text, 5 characters for every 4 bytes, the form CURVE keys take in
/// configuration files, socket options and the command line (a 32-byte key is 40 characters).
/// </summary>
/// <remarks>Stateless and thread-safe. As RFC 32 specifies, input lengths must be multiples of 4 bytes (encoding) or
/// 5 characters (decoding); there is no padding.</remarks>
public static class Z85
{
    // RFC 32's alphabet: the 85 printable ASCII characters chosen to survive shells, XML, JSON and quoting.
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

    // Character code minus 32 → digit value, 0xFF for characters outside the alphabet.
    private static readonly byte[] s_digits = BuildDigits();

    private static byte[] BuildDigits()
    {
        var digits = new byte[96];
        Array.Fill(digits, (byte)0xFF);
        for (int i = 0; i < Alphabet.Length; i++) digits[Alphabet[i] - 32] = (byte)i;
        return digits;
    }

    /// <summary>The Z85 text of <paramref name="data"/>, whose length must be a multiple of 4.</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/>'s length is not a multiple of 4.</exception>
    public static string Encode(ReadOnlySpan<byte> data)
    {
        if (data.Length % 4 != 0)
            Guard.ThrowArgument(nameof(data), $"Z85 encodes whole groups of 4 bytes; {data.Length} bytes is not a multiple of 4");
        return string.Create(data.Length / 4 * 5, data, static (chars, bytes) => EncodeCore(bytes, chars));
    }

    /// <summary>Writes the Z85 text of <paramref name="data"/> into <paramref name="destination"/>; false (nothing
    /// written) when the length of <paramref name="data"/> is not a multiple of 4 or the destination is too short.</summary>
    public static bool TryEncode(ReadOnlySpan<byte> data, Span<char> destination, out int charsWritten)
    {
        charsWritten = 0;
        if (data.Length % 4 != 0 || destination.Length < data.Length / 4 * 5) return false;
        EncodeCore(data, destination);
        charsWritten = data.Length / 4 * 5;
        return true;
    }

    /// <summary>The bytes <paramref name="text"/> encodes: its length must be a multiple of 5, and every character in
    /// RFC 32's alphabet.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="text"/> is not valid Z85 (the message says why).</exception>
    public static byte[] Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length % 5 != 0)
            Guard.ThrowArgument(nameof(text), $"Z85 text comes in groups of 5 characters; {text.Length} characters is not a multiple of 5");
        var bytes = new byte[text.Length / 5 * 4];
        int bad = DecodeCore(text, bytes);
        if (bad >= 0)
        {
            Guard.ThrowArgument(nameof(text), (uint)(text[bad] - 32) < 96 && s_digits[text[bad] - 32] != 0xFF
                ? $"the group of 5 characters at {bad / 5 * 5} encodes a value above 2^32-1"
                : $"character {DescribeChar(text[bad])} at {bad} is not in the Z85 alphabet");
        }
        return bytes;
    }

    /// <summary>Decodes <paramref name="text"/> into <paramref name="destination"/>; false (its contents then
    /// unspecified) when the text is not valid Z85 or the destination is shorter than 4/5 of its length.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (text.Length % 5 != 0 || destination.Length < text.Length / 5 * 4) return false;
        if (DecodeCore(text, destination) >= 0) return false;
        bytesWritten = text.Length / 5 * 4;
        return true;
    }

    private static void EncodeCore(ReadOnlySpan<byte> data, Span<char> chars)
    {
        int at = 0;
        for (int i = 0; i < data.Length; i += 4)
        {
            // Each group is a big-endian 32-bit number written as 5 base-85 digits, most significant first.
            uint value = (uint)(data[i] << 24 | data[i + 1] << 16 | data[i + 2] << 8 | data[i + 3]);
            for (int d = 4; d >= 0; d--)
            {
                chars[at + d] = Alphabet[(int)(value % 85)];
                value /= 85;
            }
            at += 5;
        }
    }

    /// <summary>Decodes whole groups; returns -1, or the index of the first character that makes the text invalid (out
    /// of the alphabet, or ending a group whose value does not fit 32 bits).</summary>
    private static int DecodeCore(ReadOnlySpan<char> text, Span<byte> bytes)
    {
        int at = 0;
        for (int i = 0; i < text.Length; i += 5)
        {
            ulong value = 0;
            for (int d = 0; d < 5; d++)
            {
                uint index = (uint)(text[i + d] - 32);
                byte digit = index < 96 ? s_digits[index] : (byte)0xFF;
                if (digit == 0xFF) return i + d;
                value = value * 85 + digit;
            }
            // Five digits reach 85^5 - 1 (about 4.4e9): "%%%%%" and its kin do not fit the 4 bytes they stand for.
            if (value > uint.MaxValue) return i + 4;
            bytes[at++] = (byte)(value >> 24);
            bytes[at++] = (byte)(value >> 16);
            bytes[at++] = (byte)(value >> 8);
            bytes[at++] = (byte)value;
        }
        return -1;
    }

    private static string DescribeChar(char c) => c is >= ' ' and < '\x7f' ? $"'{c}'" : $"U+{(int)c:X4}";
}
