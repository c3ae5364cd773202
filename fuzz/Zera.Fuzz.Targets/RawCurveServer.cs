using Zera.Protocol.Mechanisms;

namespace Zera.Fuzz;

/// <summary>
/// A CURVE server made of <see cref="CurveWire"/> commands with fixed keys (S, S'), talking to the real
/// <see cref="CurveClientMechanism"/>: takes its HELLO (for C'), then boxes any WELCOME plaintext, or a well-formed
/// WELCOME, and a READY around any metadata.
/// </summary>
internal sealed class RawCurveServer
{
    private static readonly byte[] s_welcomeTail = [.. Enumerable.Range(0x10, 16).Select(i => (byte)i)];
    private byte[] _clientShort = new byte[Sodium.KeyBytes];

    /// <summary>Takes C' from the client's HELLO; false when the HELLO is not 200 bytes.</summary>
    public bool TakeHello(byte[] hello)
    {
        if (hello.Length != 200) return false;
        _clientShort = hello[80..112];
        return true;
    }

    /// <summary>A WELCOME whose box (from S to C') holds <paramref name="plain"/>, whatever it is.</summary>
    public byte[] Welcome(ReadOnlySpan<byte> plain) =>
        CurveWire.Command("WELCOME", s_welcomeTail, CurveWire.Box(plain, CurveWire.Nonce("WELCOME-"u8, s_welcomeTail), _clientShort, FuzzKeys.Server.Secret));

    /// <summary>A well-formed WELCOME: S' and a 96-byte cookie (the client never opens it).</summary>
    public byte[] Welcome() => Welcome([.. FuzzKeys.ServerShort.Public, .. new byte[96]]);

    /// <summary>A READY (S' to C') around <paramref name="metadata"/> under <paramref name="shortNonce"/>.</summary>
    public byte[] Ready(ReadOnlySpan<byte> metadata, ulong shortNonce = 1) =>
        CurveWire.Command("READY", CurveWire.ShortNonce(shortNonce),
            CurveWire.BoxAfterNm(metadata, CurveWire.Nonce("CurveZMQREADY---"u8, shortNonce), CurveWire.Shared(_clientShort, FuzzKeys.ServerShort.Secret)));
}
