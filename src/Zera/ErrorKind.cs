namespace Zera;

/// <summary>
/// The kind of a <see cref="ZeraException"/>, mirroring the ZeroMQ error numbers a libzmq user knows.
/// Values are stable; this enum is immutable and safe to use from any thread.
/// </summary>
public enum ErrorKind
{
    /// <summary>The operation could not complete now (EAGAIN): a non-blocking call, or a send/receive timeout ran out.</summary>
    WouldBlock = 0,
    /// <summary>The context was disposed while the call was blocked or before it started (ETERM).</summary>
    Terminated = 1,
    /// <summary>The call is not valid in the socket's current state, e.g. a REQ sending twice in a row (EFSM), or
    /// never valid for its type: sending on SUB or PULL, receiving on PUB or PUSH (libzmq says ENOTSUP there).</summary>
    InvalidState = 2,
    /// <summary>A ROUTER with ROUTER_MANDATORY has no peer with that routing id (EHOSTUNREACH).</summary>
    HostUnreachable = 3,
    /// <summary>ZeroMQ's EINVAL for a valid value used where it does not apply: an option this socket type does not
    /// have, an inproc connect to a socket of an incompatible type. (A malformed or out-of-range argument is an
    /// <see cref="ArgumentException"/>.)</summary>
    InvalidArgument = 4,
    /// <summary>The endpoint's transport is not supported (EPROTONOSUPPORT).</summary>
    ProtocolNotSupported = 5,
    /// <summary>The address is already bound (EADDRINUSE).</summary>
    AddressInUse = 6,
    /// <summary>The address is not local or cannot be used (EADDRNOTAVAIL), e.g. unbinding an endpoint that is not bound.</summary>
    AddressNotAvailable = 7,
    /// <summary>The operation is not supported (ENOTSUP): a socket type that is not implemented yet (STREAM, the
    /// draft types).</summary>
    NotSupported = 8,
}
