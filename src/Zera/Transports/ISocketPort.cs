using Zera.Core;

namespace Zera.Transports;

/// <summary>
/// The socket as its transports see it: the one narrow interface through which sessions, listeners and the inproc
/// registry reach up (attach or detach a peer, register a connection, track its linger, report an event), so the
/// transport layer never depends on <see cref="ZeraSocket"/> or <see cref="Context"/> themselves.
/// </summary>
/// <remarks>Members say which thread may call them; everything else about the socket stays on its own thread.</remarks>
internal interface ISocketPort : ILinkOwner
{
    /// <summary>The socket's type (fixed).</summary>
    SocketType Type { get; }

    /// <summary>The socket's options; read on the socket's thread when an endpoint is bound or connected (sessions
    /// take a snapshot).</summary>
    SocketOptions Options { get; }

    /// <summary>The <c>inproc://</c> names of the socket's context (a connection finds the ZAP handler there).</summary>
    InprocRegistry Inproc { get; }

    /// <summary>Registers a live connection, from any thread; false when the socket is already closed (the caller
    /// then stops).</summary>
    bool AddSession(Session session);

    /// <summary>Forgets a finished connection, from any thread.</summary>
    void RemoveSession(Session session);

    /// <summary>Attaches a peer on the socket's own thread (a connect, an inproc bind).</summary>
    void AttachNow(Link link);

    /// <summary>Hands a new peer to the socket from any thread; it joins at the socket's next call.</summary>
    void EnqueueAttach(Link link);

    /// <summary>Tells the socket, from any thread, that an attached link's peer is now known (handshake done).</summary>
    void EnqueueIdentified(Link link);

    /// <summary>Tells the socket, from any thread, that an attached link's connection was made again (SUB then sends
    /// its subscriptions again).</summary>
    void EnqueueReconnected(Link link);

    /// <summary>Background work (a lingering connection) the context's disposal must wait for; any thread.</summary>
    void TrackLinger(Task completion);

    /// <summary>Reports a connection event, from any thread; costs a null check when nobody listens.</summary>
    void Report(in ConnectionEvent e);
}
