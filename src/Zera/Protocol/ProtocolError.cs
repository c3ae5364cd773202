namespace Zera.Protocol;

/// <summary>
/// libzmq's ZMQ_PROTOCOL_ERROR_* values: what a HANDSHAKE_FAILED_PROTOCOL event carries, so that a monitor reading
/// Zera's events means the same as with libzmq. Zera uses them where libzmq's NULL, PLAIN and CURVE mechanisms do.
/// </summary>
internal static class ProtocolError
{
    /// <summary>ZMQ_PROTOCOL_ERROR_ZMTP_UNSPECIFIED: malformed input libzmq has no closer value for (a foreign
    /// greeting, bad frame flags, an incompatible ZMTP 2.0 peer).</summary>
    public const int Unspecified = 0x10000000;

    /// <summary>ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND: in the handshake, something other than the command the
    /// mechanism expects (a data frame, PING, an unreadable command name).</summary>
    public const int UnexpectedCommand = 0x10000001;

    /// <summary>ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE: a CURVE MESSAGE whose nonce is not above the last one (a
    /// replay or a reordering).</summary>
    public const int InvalidSequence = 0x10000002;

    /// <summary>ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE: a CURVE INITIATE whose vouch names other keys than this
    /// connection's.</summary>
    public const int KeyExchange = 0x10000003;

    /// <summary>ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED: a handshake command too short to hold its own
    /// name (libzmq's check_basic_command_structure).</summary>
    public const int MalformedCommand = 0x10000011;

    /// <summary>ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE: a CURVE MESSAGE too short to hold its nonce, tag and
    /// flags.</summary>
    public const int MalformedMessage = 0x10000012;

    /// <summary>ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO: a HELLO that does not parse (PLAIN: username or
    /// password overrunning the command; CURVE: wrong size or version).</summary>
    public const int MalformedHello = 0x10000013;

    /// <summary>ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE: an INITIATE that does not parse.</summary>
    public const int MalformedInitiate = 0x10000014;

    /// <summary>ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR: an ERROR command that does not parse.</summary>
    public const int MalformedError = 0x10000015;

    /// <summary>ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY: a READY that does not parse (CURVE: too short for
    /// its nonce and tag).</summary>
    public const int MalformedReady = 0x10000016;

    /// <summary>ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME: a WELCOME that does not parse.</summary>
    public const int MalformedWelcome = 0x10000017;

    /// <summary>ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA: READY metadata that does not parse, or whose Socket-Type is
    /// missing, unknown or one our socket cannot talk to (libzmq's PLAIN and CURVE report these so).</summary>
    public const int InvalidMetadata = 0x10000018;

    /// <summary>ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC: a CURVE box that does not open (a wrong key, a forged or
    /// corrupt command), or a cookie that is not ours.</summary>
    public const int Cryptographic = 0x11000001;

    /// <summary>ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH: the peer's greeting names another security mechanism.</summary>
    public const int MechanismMismatch = 0x11000002;

    /// <summary>ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED: a ZAP reply libzmq has no closer value for (its first frame,
    /// the delimiter, is not empty).</summary>
    public const int ZapUnspecified = 0x20000000;

    /// <summary>ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY: a ZAP reply that is not seven frames.</summary>
    public const int ZapMalformedReply = 0x20000001;

    /// <summary>ZMQ_PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID: a ZAP reply to another request.</summary>
    public const int ZapBadRequestId = 0x20000002;

    /// <summary>ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION: a ZAP reply whose version is not "1.0".</summary>
    public const int ZapBadVersion = 0x20000003;

    /// <summary>ZMQ_PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE: a ZAP status other than 200, 300, 400, 500.</summary>
    public const int ZapInvalidStatusCode = 0x20000004;

    /// <summary>ZMQ_PROTOCOL_ERROR_ZAP_INVALID_METADATA: a ZAP reply whose metadata frame does not parse.</summary>
    public const int ZapInvalidMetadata = 0x20000005;

    /// <summary>True for a ZAP status code (300, 400, 500) carried by a peer's ERROR command: libzmq reports that as
    /// HANDSHAKE_FAILED_AUTH with the code as its value.</summary>
    public static bool IsZapStatus(int code) => code is 300 or 400 or 500;
}
