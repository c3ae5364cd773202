using Zera.Protocol.Mechanisms;

namespace Zera.Fuzz;

/// <summary>
/// Fixed CURVE key pairs, so every run of a target sees the same long-term keys (and the raw peers the same short-term
/// keys): secret keys are constant byte patterns, public keys derived from them. The library's own short-term keys
/// and cookies still come from libsodium's generator; they change no branch the fuzzer could see.
/// </summary>
internal static class FuzzKeys
{
    /// <summary>The server's long-term pair (S, s).</summary>
    public static readonly (byte[] Public, byte[] Secret) Server = Make(0x53);

    /// <summary>The client's long-term pair (C, c).</summary>
    public static readonly (byte[] Public, byte[] Secret) Client = Make(0x43);

    /// <summary>The raw client's short-term pair (C', c').</summary>
    public static readonly (byte[] Public, byte[] Secret) ClientShort = Make(0x63);

    /// <summary>The raw server's short-term pair (S', s').</summary>
    public static readonly (byte[] Public, byte[] Secret) ServerShort = Make(0x73);

    private static (byte[] Public, byte[] Secret) Make(byte seed)
    {
        var secret = new byte[Sodium.KeyBytes];
        for (int i = 0; i < secret.Length; i++) secret[i] = (byte)(seed + i * 29);
        var pub = new byte[Sodium.KeyBytes];
        Sodium.ScalarMultBase(pub, secret);
        return (pub, secret);
    }
}
