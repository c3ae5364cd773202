namespace Zera;

/// <summary>
/// The kind of a <see cref="ZeraException"/>, mirroring the ZeroMQ error numbers a libzmq user knows.
/// Values are stable; this enum is immutable and safe to use from any thread.
/// </summary>
public enum ErrorKind
{
    /// <summary>The operation could not complete now (EAGAIN): a non-blocking call, or a send/receive timeout ran out.</summary>
    WouldBlock,
    /// <summary>The context was disposed while the call was blocked or before it started (ETERM).</summary>
    Terminated,
    /// <summary>The call is not valid in the socket's current state, e.g. a REQ sending twice in a row (EFSM).</summary>
    InvalidState,
    /// <summary>A ROUTER with ROUTER_MANDATORY has no peer with that routing id (EHOSTUNREACH).</summary>
    HostUnreachable,
    /// <summary>An argument is invalid: a malformed endpoint, an option out of range (EINVAL).</summary>
    InvalidArgument,
    /// <summary>The endpoint's transport is not supported (EPROTONOSUPPORT).</summary>
    ProtocolNotSupported,
    /// <summary>The address is already bound (EADDRINUSE).</summary>
    AddressInUse,
    /// <summary>The address is not local or cannot be used (EADDRNOTAVAIL), e.g. unbinding an endpoint that is not bound.</summary>
    AddressNotAvailable,
    /// <summary>The operation is not supported by this socket type, e.g. receiving on PUSH (ENOTSUP).</summary>
    NotSupported,
    /// <summary>A message is larger than allowed (EMSGSIZE).</summary>
    MessageTooLarge,
    /// <summary>The endpoint's transport cannot be used with this socket type (ENOCOMPATPROTO).</summary>
    NoCompatibleProtocol,
}
