namespace Zera;

/// <summary>
/// Validation of the CURVE key options: a key is 32 bytes, given raw or as its 40-character Z85 text (RFC 32), as
/// libzmq's ZMQ_CURVE_*KEY accept. A bad key is an <see cref="ArgumentException"/> naming the option.
/// </summary>
/// <remarks>Stateless and thread-safe. The small Z85 codec here stands in for <c>Z85</c> until the two are merged;
/// callers use only <see cref="Parse(string, string)"/>, <see cref="Parse(string, byte[])"/> and
/// <see cref="Format"/>.</remarks>
internal static class SecurityKeys
{
    /// <summary>The length of a CURVE key in bytes.</summary>
    public const int KeySize = 32;

    /// <summary>The length of a CURVE key's Z85 text.</summary>
    public const int Z85Size = 40;

    private const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

    /// <summary>The 32 bytes of a key given as Z85 text; throws <see cref="ArgumentException"/> naming
    /// <paramref name="optionName"/> when it is not 40 valid Z85 characters.</summary>
    public static byte[] Parse(string optionName, string z85)
    {
        ArgumentNullException.ThrowIfNull(z85, optionName);
        if (z85.Length != Z85Size)
            Guard.ThrowArgument(optionName, $"a CURVE key is 32 bytes or 40 characters of Z85 text, not {z85.Length} characters");
        var key = new byte[KeySize];
        if (!TryDecode(z85, key))
            Guard.ThrowArgument(optionName, "a CURVE key's Z85 text has a character outside the Z85 alphabet, or encodes more than 32 bits in a group");
        return key;
    }

    /// <summary>A copy of a key given as 32 raw bytes, or the 32 bytes its 40 bytes of Z85 text encode (libzmq's
    /// two forms); throws <see cref="ArgumentException"/> naming <paramref name="optionName"/> otherwise.</summary>
    public static byte[] Parse(string optionName, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key, optionName);
        if (key.Length == KeySize) return (byte[])key.Clone();
        if (key.Length == Z85Size) return Parse(optionName, System.Text.Encoding.ASCII.GetString(key));
        Guard.ThrowArgument(optionName, $"a CURVE key is 32 bytes or 40 bytes of Z85 text, not {key.Length} bytes");
        return null!;
    }

    /// <summary>The Z85 text of a 32-byte key.</summary>
    public static string Format(ReadOnlySpan<byte> key)
    {
        Span<char> text = stackalloc char[Z85Size];
        for (int group = 0; group < KeySize / 4; group++)
        {
            uint value = (uint)(key[4 * group] << 24 | key[4 * group + 1] << 16 | key[4 * group + 2] << 8 | key[4 * group + 3]);
            for (int i = 4; i >= 0; i--)
            {
                text[5 * group + i] = Alphabet[(int)(value % 85)];
                value /= 85;
            }
        }
        return new string(text);
    }

    private static bool TryDecode(string text, Span<byte> dest)
    {
        for (int group = 0; group < text.Length / 5; group++)
        {
            ulong value = 0;
            for (int i = 0; i < 5; i++)
            {
                int digit = Alphabet.IndexOf(text[5 * group + i], StringComparison.Ordinal);
                if (digit < 0) return false;
                value = value * 85 + (ulong)digit;
            }
            if (value > uint.MaxValue) return false;
            dest[4 * group] = (byte)(value >> 24);
            dest[4 * group + 1] = (byte)(value >> 16);
            dest[4 * group + 2] = (byte)(value >> 8);
            dest[4 * group + 3] = (byte)value;
        }
        return true;
    }
}
