namespace Zera.Protocol.Mechanisms;

/// <summary>
/// A ZMTP security mechanism (RFC 23 §Security): the handshake commands after the greeting, and the peer's metadata
/// it yields. The connection drives it and knows none of its commands; a mechanism is sans-I/O like the rest of the
/// protocol layer (command bodies in, command bodies out).
/// </summary>
/// <remarks>Used by one connection's receive side only, except <see cref="TryTakeCommand"/>, which the connection calls
/// under its output lock.</remarks>
internal interface IMechanism
{
    /// <summary>The name in the greeting (at most 20 ASCII characters): NULL, PLAIN, CURVE.</summary>
    string Name { get; }

    /// <summary>The greeting's as-server bit.</summary>
    bool AsServer { get; }

    /// <summary>The next handshake command body to send, if one is due now.</summary>
    bool TryTakeCommand(out byte[] body);

    /// <summary>Takes one handshake command body from the peer.</summary>
    MechanismStatus Process(ReadOnlySpan<byte> command);

    /// <summary>Why <see cref="Process"/> failed, for the connection's error.</summary>
    string? Failure { get; }

    /// <summary>libzmq's ZMQ_PROTOCOL_ERROR_* value for <see cref="Failure"/> (see <see cref="ProtocolError"/>).</summary>
    int FailureCode => ProtocolError.Unspecified;

    /// <summary>The peer's metadata (Socket-Type, Identity, ...), once <see cref="MechanismStatus.Ready"/>.</summary>
    IReadOnlyDictionary<string, byte[]> PeerProperties { get; }

    /// <summary>How message frames travel once the handshake is done: null when they go as they are (NULL, PLAIN);
    /// CURVE wraps each in an encrypted MESSAGE command (RFC 26).</summary>
    IFrameTransform? FrameTransform { get; }

    /// <summary>The request for the ZAP handler, once <see cref="Process"/> returned
    /// <see cref="MechanismStatus.AwaitingZap"/>; null otherwise.</summary>
    ZapRequest? ZapRequest => null;

    /// <summary>Takes the ZAP handler's answer to <see cref="ZapRequest"/>: <see cref="MechanismStatus.InProgress"/> or
    /// <see cref="MechanismStatus.Ready"/> when it accepted (the next command, WELCOME or READY, is then due from
    /// <see cref="TryTakeCommand"/>); <see cref="MechanismStatus.Refused"/> when it refused (an ERROR command with the
    /// status code is due, and <see cref="FailureCode"/> is the status code).</summary>
    MechanismStatus OnZapReply(ZapReply reply) => throw new InvalidOperationException("this mechanism does not use ZAP");

    /// <summary>The User-Id the ZAP handler gave, once accepted ("" when none).</summary>
    string UserId => "";

    /// <summary>The metadata the ZAP handler gave with its answer, once accepted.</summary>
    IReadOnlyDictionary<string, byte[]>? ZapMetadata => null;
}

/// <summary>
/// A mechanism's per-frame transformation after the handshake: every message frame is encoded into one command
/// (encrypted, for CURVE) and every such command from the peer decoded back. The connection calls it for each
/// frame of a batch; the driver never knows what it does.
/// </summary>
/// <remarks>Encoding runs on the connection's send side, decoding on its receive side; an implementation keeps the
/// two directions' state (nonces, keys) apart.</remarks>
internal interface IFrameTransform
{
    /// <summary>The most bytes <see cref="Encode"/> writes for a payload of <paramref name="size"/> bytes.</summary>
    int MaxEncodedSize(int size);

    /// <summary>Writes one message frame, as the wire carries it, into <paramref name="dest"/> (at least
    /// <see cref="MaxEncodedSize"/> bytes); returns the bytes written.</summary>
    int Encode(ReadOnlySpan<byte> payload, bool more, Span<byte> dest);

    /// <summary>Writes a command (PING, PONG, ERROR...) the way the peer expects it once the handshake is done, into
    /// <paramref name="dest"/> (at least <see cref="MaxEncodedSize"/> of the body's length); returns the bytes written.
    /// Send side only: it shares the message frames' nonce sequence.</summary>
    int EncodeCommand(ReadOnlySpan<byte> body, Span<byte> dest);

    /// <summary>Decodes a command frame from the peer: true with the message frame it carried (More flag set) when it
    /// was one of this mechanism's message commands; false when it is not one (the connection handles it);
    /// throws <see cref="ProtocolException"/> when it is one but does not decode (a forged or corrupt frame).</summary>
    bool TryDecode(ReadOnlySpan<byte> command, out Frame frame);

    /// <summary>Receive side, between reads: the connection is going idle, so let go of any memory held for the
    /// next decoded frame (a partly used slab). Nothing by default.</summary>
    void ReleaseIdleMemory()
    {
    }
}

/// <summary>Where a mechanism's handshake stands after a command from the peer.</summary>
internal enum MechanismStatus
{
    /// <summary>More commands are needed (maybe ours first: see <see cref="IMechanism.TryTakeCommand"/>).</summary>
    InProgress,

    /// <summary>The handshake is complete; the peer's metadata is known.</summary>
    Ready,

    /// <summary>The peer's command was not acceptable (<see cref="IMechanism.Failure"/> says why).</summary>
    Malformed,

    /// <summary>The peer sent ERROR: it refuses us.</summary>
    PeerError,

    /// <summary>A server mechanism has the client's credentials and waits for the ZAP handler's answer
    /// (<see cref="IMechanism.ZapRequest"/>, then <see cref="IMechanism.OnZapReply"/>).</summary>
    AwaitingZap,

    /// <summary>We refuse the peer (the ZAP handler said no): an ERROR command is due from
    /// <see cref="IMechanism.TryTakeCommand"/>, then the connection ends.</summary>
    Refused,
}
