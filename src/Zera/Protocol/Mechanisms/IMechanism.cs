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

    /// <summary>The peer's metadata (Socket-Type, Identity, ...), once <see cref="MechanismStatus.Ready"/>.</summary>
    IReadOnlyDictionary<string, byte[]> PeerProperties { get; }
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
}
