using Zera.Protocol.Mechanisms;

namespace Zera.Fuzz;

/// <summary>
/// A CURVE client made of <see cref="CurveWire"/> commands with fixed keys (C, C'), talking to the real
/// <see cref="CurveServerMechanism"/>: HELLO, then (given the server's WELCOME) an INITIATE around any plaintext, then
/// MESSAGE commands with any nonce and flags octet.
/// </summary>
internal sealed class RawCurveClient
{
    private byte[] _cookie = [];
    private byte[] _serverShort = [];

    /// <summary>The precomputed key of C' and S', once <see cref="TakeWelcome"/> opened a WELCOME.</summary>
    public byte[] SharedKey { get; private set; } = [];

    /// <summary>A well-formed HELLO (short nonce 1).</summary>
    public static byte[] Hello()
    {
        var box = CurveWire.Box(new byte[64], CurveWire.Nonce("CurveZMQHELLO---"u8, 1), FuzzKeys.Server.Public, FuzzKeys.ClientShort.Secret);
        return CurveWire.Command("HELLO", [1, 0], new byte[72], FuzzKeys.ClientShort.Public, CurveWire.ShortNonce(1), box);
    }

    /// <summary>Opens the server's WELCOME: S' and the cookie; false when it is not one.</summary>
    public bool TakeWelcome(byte[] welcome)
    {
        if (welcome.Length != 168) return false;
        var plain = new byte[128];
        if (!Sodium.Open(plain, welcome.AsSpan(24), CurveWire.Nonce("WELCOME-"u8, welcome.AsSpan(8, 16)), FuzzKeys.Server.Public, FuzzKeys.ClientShort.Secret))
            return false;
        _serverShort = plain[..32];
        _cookie = plain[32..];
        SharedKey = CurveWire.Shared(_serverShort, FuzzKeys.ClientShort.Secret);
        return true;
    }

    /// <summary>An INITIATE carrying the cookie and <paramref name="plain"/> as its box's plaintext.</summary>
    public byte[] Initiate(ReadOnlySpan<byte> plain, ulong shortNonce = 2) =>
        CurveWire.Command("INITIATE", _cookie, CurveWire.ShortNonce(shortNonce),
            CurveWire.BoxAfterNm(plain, CurveWire.Nonce("CurveZMQINITIATE"u8, shortNonce), SharedKey));

    /// <summary>INITIATE's plaintext with a valid vouch for C' and S from C, then <paramref name="metadata"/>.</summary>
    public byte[] VouchedPlain(ReadOnlySpan<byte> metadata)
    {
        var tail = new byte[16];
        for (int i = 0; i < tail.Length; i++) tail[i] = (byte)(0xA0 + i);
        var vouch = CurveWire.Box([.. FuzzKeys.ClientShort.Public, .. FuzzKeys.Server.Public], CurveWire.Nonce("VOUCH---"u8, tail),
            _serverShort, FuzzKeys.Client.Secret);
        return [.. FuzzKeys.Client.Public, .. tail, .. vouch, .. metadata];
    }

    /// <summary>A MESSAGE from the client: <paramref name="plain"/> (the flags octet, then the payload) boxed under
    /// <paramref name="shortNonce"/>.</summary>
    public byte[] Message(ulong shortNonce, ReadOnlySpan<byte> plain) =>
        CurveWire.Command("MESSAGE", CurveWire.ShortNonce(shortNonce),
            CurveWire.BoxAfterNm(plain, CurveWire.Nonce("CurveZMQMESSAGEC"u8, shortNonce), SharedKey));
}
