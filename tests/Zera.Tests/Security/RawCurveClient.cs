using System.Buffers.Binary;
using Zera.Protocol.Mechanisms;

namespace Zera.Tests.Security;

/// <summary>
/// A CURVE client built by hand from RFC 26's command layouts, for the tests that need a peer doing things our client
/// never does: a vouch for other keys, malformed metadata, chosen nonces. It checks the server against the RFC's
/// layout independently of <see cref="CurveClientMechanism"/>.
/// </summary>
internal sealed class RawCurveClient
{
    private readonly byte[] _serverPublic;
    private readonly byte[] _clientPublic;
    private readonly byte[] _clientSecret;
    private readonly byte[] _shortPublic = new byte[32];
    private readonly byte[] _shortSecret = new byte[32];
    private readonly byte[] _serverShort = new byte[32];
    private readonly byte[] _cookie = new byte[96];

    public RawCurveClient(byte[] serverPublic, byte[] clientPublic, byte[] clientSecret)
    {
        _serverPublic = serverPublic;
        _clientPublic = clientPublic;
        _clientSecret = clientSecret;
        Sodium.BoxKeyPair(_shortPublic, _shortSecret);
    }

    /// <summary>The box key of C' and S' (after <see cref="Welcome"/>), for MESSAGE commands.</summary>
    public byte[] SharedKey { get; } = new byte[32];

    public byte[] Hello(ulong shortNonce = 1)
    {
        var hello = new byte[200];
        "\u0005HELLO"u8.CopyTo(hello);
        hello[6] = 1;
        _shortPublic.CopyTo(hello, 80);
        BinaryPrimitives.WriteUInt64BigEndian(hello.AsSpan(112), shortNonce);
        Assert.True(Sodium.Box(hello.AsSpan(120), new byte[64], Nonce("CurveZMQHELLO---"u8, shortNonce), _serverPublic, _shortSecret));
        return hello;
    }

    public void Welcome(byte[] welcome)
    {
        var plain = new byte[128];
        Assert.True(Sodium.Open(plain, welcome.AsSpan(24), [.. "WELCOME-"u8, .. welcome.AsSpan(8, 16)], _serverPublic, _shortSecret));
        plain.AsSpan(0, 32).CopyTo(_serverShort);
        plain.AsSpan(32).CopyTo(_cookie);
        Assert.True(Sodium.BeforeNm(SharedKey, _serverShort, _shortSecret));
    }

    /// <summary>INITIATE; the vouch names <paramref name="vouchShort"/> (default C') and <paramref name="vouchServer"/>
    /// (default S), and the metadata is <paramref name="metadata"/> as it is.</summary>
    public byte[] Initiate(byte[] metadata, ulong shortNonce = 2, byte[]? vouchShort = null, byte[]? vouchServer = null)
    {
        byte[] vouchNonce = [.. "VOUCH---"u8, .. new byte[16]];
        Sodium.Random(vouchNonce.AsSpan(8));
        var vouch = new byte[80];
        Assert.True(Sodium.Box(vouch, [.. vouchShort ?? _shortPublic, .. vouchServer ?? _serverPublic], vouchNonce, _serverShort, _clientSecret));
        byte[] plain = [.. _clientPublic, .. vouchNonce.AsSpan(8), .. vouch, .. metadata];
        var initiate = new byte[9 + 96 + 8 + 16 + plain.Length];
        "\u0008INITIATE"u8.CopyTo(initiate);
        _cookie.CopyTo(initiate, 9);
        BinaryPrimitives.WriteUInt64BigEndian(initiate.AsSpan(105), shortNonce);
        Sodium.BoxAfterNm(initiate.AsSpan(113), plain, Nonce("CurveZMQINITIATE"u8, shortNonce), SharedKey);
        return initiate;
    }

    /// <summary>A MESSAGE command body from this client with a chosen nonce and flags octet.</summary>
    public byte[] Message(ulong shortNonce, byte flags, ReadOnlySpan<byte> payload)
    {
        var body = new byte[16 + 16 + 1 + payload.Length];
        "\u0007MESSAGE"u8.CopyTo(body);
        BinaryPrimitives.WriteUInt64BigEndian(body.AsSpan(8), shortNonce);
        Sodium.BoxAfterNm(body.AsSpan(16), [flags, .. payload], Nonce("CurveZMQMESSAGEC"u8, shortNonce), SharedKey);
        return body;
    }

    public static byte[] Nonce(ReadOnlySpan<byte> prefix16, ulong shortNonce)
    {
        var nonce = new byte[24];
        prefix16.CopyTo(nonce);
        BinaryPrimitives.WriteUInt64BigEndian(nonce.AsSpan(16), shortNonce);
        return nonce;
    }
}
