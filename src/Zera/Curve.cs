using Zera.Protocol.Mechanisms;

namespace Zera;

/// <summary>
/// CURVE keys (Curve25519, as libzmq's <c>zmq_curve_keypair</c> and <c>zmq_curve_public</c>): generating a pair,
/// deriving a public key from a secret one, and checking a key's form. Keys are 32 bytes, or 40 characters of Z85.
/// </summary>
/// <remarks>Stateless and thread-safe. The cryptography is libsodium's (the native library of the <c>libsodium</c>
/// package); the first call loads it.</remarks>
public static class Curve
{
    /// <summary>A key's length in bytes.</summary>
    public const int KeyBytes = 32;

    /// <summary>A key's length in Z85 characters.</summary>
    public const int KeyChars = 40;

    /// <summary>A new random key pair, from libsodium's secure random source.</summary>
    public static CurveKeyPair GenerateKeyPair()
    {
        Span<byte> publicKey = stackalloc byte[KeyBytes];
        Span<byte> secretKey = stackalloc byte[KeyBytes];
        try
        {
            Sodium.BoxKeyPair(publicKey, secretKey);
            return new CurveKeyPair(Z85.Encode(publicKey), Z85.Encode(secretKey));
        }
        finally
        {
            Sodium.Zero(secretKey);
        }
    }

    /// <summary>The public key (Z85) belonging to a secret key given in Z85.</summary>
    /// <exception cref="ArgumentException"><paramref name="secretKey"/> is not 40 characters of Z85.</exception>
    public static string DerivePublicKey(string secretKey)
    {
        Span<byte> secret = stackalloc byte[KeyBytes];
        try
        {
            DecodeKey(secretKey, secret, nameof(secretKey));
            return Z85.Encode(DerivePublicKeyCore(secret));
        }
        finally
        {
            Sodium.Zero(secret);
        }
    }

    /// <summary>The public key (32 bytes) belonging to a 32-byte secret key.</summary>
    /// <exception cref="ArgumentException"><paramref name="secretKey"/> is not 32 bytes.</exception>
    public static byte[] DerivePublicKey(ReadOnlySpan<byte> secretKey)
    {
        if (secretKey.Length != KeyBytes)
            Guard.ThrowArgument(nameof(secretKey), $"a CURVE secret key is {KeyBytes} bytes, not {secretKey.Length}");
        return DerivePublicKeyCore(secretKey);
    }

    /// <summary>True when <paramref name="key"/> is a key in Z85: 40 characters of RFC 32's alphabet.</summary>
    public static bool IsValidKey(string? key)
    {
        Span<byte> bytes = stackalloc byte[KeyBytes];
        return key is { Length: KeyChars } && Z85.TryDecode(key, bytes, out _);
    }

    /// <summary>The 32 bytes of a key given as Z85 text, throwing an <see cref="ArgumentException"/> that names
    /// <paramref name="paramName"/> when it is not one.</summary>
    internal static void DecodeKey(string? key, Span<byte> bytes, string paramName)
    {
        if (key is null) throw new ArgumentNullException(paramName);
        if (key.Length != KeyChars)
            Guard.ThrowArgument(paramName, $"a CURVE key is {KeyChars} characters of Z85, not {key.Length}");
        if (!Z85.TryDecode(key, bytes, out _))
            Guard.ThrowArgument(paramName, "a CURVE key must be Z85 text (RFC 32): it has a character outside the alphabet or a group out of range");
    }

    /// <summary>The 32 bytes of a key given as Z85 text (see <see cref="DecodeKey(string?, Span{byte}, string)"/>).</summary>
    internal static byte[] DecodeKey(string? key, string paramName)
    {
        var bytes = new byte[KeyBytes];
        DecodeKey(key, bytes, paramName);
        return bytes;
    }

    private static byte[] DerivePublicKeyCore(ReadOnlySpan<byte> secretKey)
    {
        var publicKey = new byte[KeyBytes];
        Sodium.ScalarMultBase(publicKey, secretKey);
        return publicKey;
    }
}
