namespace Zera;

/// <summary>What a <see cref="Poller"/> item waits for, and what it reports ready (libzmq's ZMQ_POLLIN, ZMQ_POLLOUT
/// and ZMQ_POLLERR, with the same values).</summary>
[Flags]
public enum PollEvents
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>A receive would not block (a message is waiting; for a plain socket, data, a connection to accept,
    /// or the end of the stream).</summary>
    In = 1,

    /// <summary>A send would not block.</summary>
    Out = 2,

    /// <summary>A plain socket has an error pending (never reported for a <see cref="ZeraSocket"/>).</summary>
    Error = 4,
}
