namespace Zera;

/// <summary>
/// A CURVE (Curve25519) key pair as Z85 text, 40 characters each: the public key to hand to peers, the secret key to
/// keep. Made by <see cref="Curve.GenerateKeyPair"/>.
/// </summary>
/// <remarks>An immutable value; safe to share between threads. The secret key lives in a managed string, which cannot
/// be wiped: keep it out of logs, and prefer a certificate file with restricted permissions for storage.</remarks>
/// <param name="PublicKey">The public key, Z85 (40 characters).</param>
/// <param name="SecretKey">The secret key, Z85 (40 characters).</param>
public sealed record CurveKeyPair(string PublicKey, string SecretKey)
{
    /// <summary>The 32 bytes of <see cref="PublicKey"/> (a new array on each call).</summary>
    public byte[] PublicKeyBytes() => Z85.Decode(PublicKey);

    /// <summary>The 32 bytes of <see cref="SecretKey"/> (a new array on each call; zero it when done).</summary>
    public byte[] SecretKeyBytes() => Z85.Decode(SecretKey);

    /// <summary>The public key only: a record's generated text would otherwise print the secret key.</summary>
    public override string ToString() => $"CurveKeyPair {{ PublicKey = {PublicKey} }}";
}
