namespace Zera.Protocol.Mechanisms;

/// <summary>
/// What every mechanism does with the peer's ERROR command (RFC 23): a reason of up to 255 octets; a ZAP status code
/// there (300, 400, 500) is the peer's authentication refusal, which libzmq reports as such.
/// </summary>
internal static class PeerErrors
{
    /// <summary>
    /// True for the ERROR command of released libzmq PLAIN servers (4.3.5 and earlier): their prefix is written
    /// "\x05ERROR" in C, where the hex escape swallows the E, so the body starts with 0x5E "RROR" and has no name
    /// length. Their PLAIN clients expect exactly that, so a client accepts it beside RFC 23's form;
    /// <paramref name="data"/> is what follows (the reason's length octet and the reason).
    /// </summary>
    public static bool IsLibzmqPlainError(ReadOnlySpan<byte> command, out ReadOnlySpan<byte> data)
    {
        bool match = command.StartsWith("^RROR"u8);
        data = match ? command[5..] : default;
        return match;
    }

    /// <summary>Reads an ERROR command's data: <see cref="MechanismStatus.PeerError"/> with the reason in words and
    /// the ZAP status (or <see cref="ProtocolError.Unspecified"/>) as its code, or <see cref="MechanismStatus.Malformed"/>
    /// when the data is not a reason.</summary>
    public static MechanismStatus Read(ReadOnlySpan<byte> data, out string failure, out int code)
    {
        if (!Command.TryErrorReason(data, out var reason))
        {
            failure = "malformed ERROR command";
            code = ProtocolError.MalformedError;
            return MechanismStatus.Malformed;
        }
        failure = "peer refused the handshake: " + reason;
        code = reason.Length == 3 && int.TryParse(reason, out int status) && ProtocolError.IsZapStatus(status)
            ? status
            : ProtocolError.Unspecified;
        return MechanismStatus.PeerError;
    }
}
