using System.Buffers.Binary;
using Zera.Protocol.Mechanisms;

namespace Zera.Fuzz;

/// <summary>
/// CURVE handshake commands built by hand from RFC 26's layouts with the fixed keys of <see cref="FuzzKeys"/>, so a
/// target can box the fuzzer's bytes the way a real peer would and reach the parsing behind each box (fuzzing the
/// boxes themselves only ever reaches "does not open").
/// </summary>
internal static class CurveWire
{
    /// <summary>A 24-byte nonce: a 16-byte prefix, then <paramref name="shortNonce"/> big-endian.</summary>
    public static byte[] Nonce(ReadOnlySpan<byte> prefix16, ulong shortNonce)
    {
        var nonce = new byte[Sodium.NonceBytes];
        prefix16.CopyTo(nonce);
        BinaryPrimitives.WriteUInt64BigEndian(nonce.AsSpan(16), shortNonce);
        return nonce;
    }

    /// <summary>A 24-byte nonce: an 8-byte prefix, then a 16-byte tail.</summary>
    public static byte[] Nonce(ReadOnlySpan<byte> prefix8, ReadOnlySpan<byte> tail16)
    {
        var nonce = new byte[Sodium.NonceBytes];
        prefix8.CopyTo(nonce);
        tail16.CopyTo(nonce.AsSpan(8));
        return nonce;
    }

    /// <summary>A command name with its length octet, then the parts in order.</summary>
    public static byte[] Command(string name, params ReadOnlySpan<byte[]> parts)
    {
        int length = 1 + name.Length;
        foreach (var p in parts) length += p.Length;
        var body = new byte[length];
        body[0] = (byte)name.Length;
        System.Text.Encoding.ASCII.GetBytes(name, body.AsSpan(1));
        int at = 1 + name.Length;
        foreach (var p in parts)
        {
            p.CopyTo(body, at);
            at += p.Length;
        }
        return body;
    }

    /// <summary>A box from <paramref name="secretKey"/> to <paramref name="publicKey"/> (tag first).</summary>
    public static byte[] Box(ReadOnlySpan<byte> plain, byte[] nonce, byte[] publicKey, byte[] secretKey)
    {
        var box = new byte[Sodium.MacBytes + plain.Length];
        if (!Sodium.Box(box, plain, nonce, publicKey, secretKey)) throw new FuzzInvariantException("the harness could not box");
        return box;
    }

    /// <summary>A box with a precomputed key (tag first).</summary>
    public static byte[] BoxAfterNm(ReadOnlySpan<byte> plain, byte[] nonce, byte[] sharedKey)
    {
        var box = new byte[Sodium.MacBytes + plain.Length];
        Sodium.BoxAfterNm(box, plain, nonce, sharedKey);
        return box;
    }

    /// <summary>The precomputed key of a public and a secret key.</summary>
    public static byte[] Shared(byte[] publicKey, byte[] secretKey)
    {
        var key = new byte[Sodium.KeyBytes];
        if (!Sodium.BeforeNm(key, publicKey, secretKey)) throw new FuzzInvariantException("the harness keys are unusable");
        return key;
    }

    /// <summary>An 8-byte big-endian short nonce.</summary>
    public static byte[] ShortNonce(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }
}
