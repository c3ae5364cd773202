namespace Zera;

/// <summary>
/// Validation of the CURVE key options: a key is 32 bytes, given raw or as its 40-character Z85 text (RFC 32), as
/// libzmq's ZMQ_CURVE_*KEY accept. A bad key is an <see cref="ArgumentException"/> naming the option.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal static class SecurityKeys
{
    /// <summary>The length of a CURVE key in bytes.</summary>
    public const int KeySize = 32;

    /// <summary>The length of a CURVE key's Z85 text.</summary>
    public const int Z85Size = 40;

    /// <summary>The 32 bytes of a key given as Z85 text; throws <see cref="ArgumentException"/> naming
    /// <paramref name="optionName"/> when it is not 40 valid Z85 characters.</summary>
    public static byte[] Parse(string optionName, string z85)
    {
        ArgumentNullException.ThrowIfNull(z85, optionName);
        if (z85.Length != Z85Size)
            Guard.ThrowArgument(optionName, $"a CURVE key is 32 bytes or 40 characters of Z85 text, not {z85.Length} characters");
        var key = new byte[KeySize];
        if (!Z85.TryDecode(z85, key, out _))
            Guard.ThrowArgument(optionName, "a CURVE key's Z85 text has a character outside the Z85 alphabet, or encodes more than 32 bits in a group");
        return key;
    }

    /// <summary>A copy of a key given as 32 raw bytes, or the 32 bytes its 40 bytes of Z85 text encode (libzmq's
    /// two forms); throws <see cref="ArgumentException"/> naming <paramref name="optionName"/> otherwise.</summary>
    public static byte[] Parse(string optionName, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key, optionName);
        if (key.Length == KeySize) return (byte[])key.Clone();
        // Latin-1 keeps every octet a character of its own: an octet past ASCII is then refused as outside the alphabet
        // (ASCII decoding turned it into '?', which is in it, and so accepted a mistyped key as another key).
        if (key.Length == Z85Size) return Parse(optionName, System.Text.Encoding.Latin1.GetString(key));
        Guard.ThrowArgument(optionName, $"a CURVE key is 32 bytes or 40 bytes of Z85 text, not {key.Length} bytes");
        return null!;
    }

    /// <summary>The Z85 text of a 32-byte key.</summary>
    public static string Format(ReadOnlySpan<byte> key) => Z85.Encode(key);
}
