using Zera.Core;
using Zera.Protocol;
using Zera.Transports;

namespace Zera;

/// <summary>
/// The container for a set of sockets: it creates them, joins their <c>inproc://</c> endpoints, and shuts them
/// down. Usually one per process (<see cref="Default"/> is there for convenience), but any number may exist.
/// </summary>
/// <remarks>
/// <para>Thread-safe: any thread may create sockets or dispose the context.</para>
/// <para><see cref="Dispose"/> works like <c>zmq_ctx_term</c>: calls blocked or awaiting on its sockets end with
/// <see cref="ErrorKind.Terminated"/>; it then waits until every socket has been disposed by its owner and every
/// socket's linger has run out, so dispose your sockets (a <c>using</c> does) before or while the context goes.</para>
/// </remarks>
public sealed class Context : IDisposable, IAsyncDisposable
{
    private static readonly Lazy<Context> s_default = new(() => new Context());

    private readonly object _lock = new();
    private readonly HashSet<ZeraSocket> _sockets = [];
    private readonly List<Task> _lingering = [];
    private readonly TaskCompletionSource _socketsGone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _terminated;
    private bool _disposed;

    /// <summary>A process-wide context, created on first use and never disposed for you.</summary>
    public static Context Default => s_default.Value;

    /// <summary>
    /// How many I/O threads run this process's tcp and ipc connections (libzmq's <c>ZMQ_IO_THREADS</c>, but for the
    /// whole process rather than per context): each new connection goes to the thread with the fewest, and stays there.
    /// Default 2 on a machine with two or more cores (1 on one core), or <c>ZERA_IO_THREADS</c> from the environment;
    /// 1 to <see cref="MaxIoThreads"/>.
    /// </summary>
    /// <remarks>Thread-safe; a change applies to connections made afterwards (lowering it moves none). A thread starts
    /// only when a connection is first given to it, so a process with one connection has one, and an idle thread sleeps
    /// in the kernel (no CPU). Used on Linux; elsewhere, or with <c>ZERA_IO_THREAD=0</c>, connections run on .NET's
    /// asynchronous sockets and thread pool, and this setting has no effect.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above <see cref="MaxIoThreads"/>.</exception>
    public static int IoThreads
    {
        get => IoLoop.ThreadCount;
        set
        {
            if (value is < 1 or > IoLoop.MaxThreads)
                Guard.ThrowOutOfRange(nameof(value), value, $"{nameof(IoThreads)} must be from 1 to {IoLoop.MaxThreads}");
            IoLoop.ThreadCount = value;
        }
    }

    /// <summary>The largest value <see cref="IoThreads"/> takes.</summary>
    public const int MaxIoThreads = IoLoop.MaxThreads;

    /// <summary>True once <see cref="Dispose"/> started.</summary>
    public bool IsTerminated => _terminated;

    /// <summary>Creates a socket of <paramref name="type"/>. The socket belongs to the calling thread's code from
    /// now on (see <see cref="ZeraSocket"/>'s threading rules).</summary>
    public ZeraSocket CreateSocket(SocketType type)
    {
        if (!Enum.IsDefined(type))
            Guard.ThrowOutOfRange(nameof(type), type, $"{(int)type} is not a socket type");
        lock (_lock)
        {
            if (_terminated) ZeraException.ThrowTerminated();
            var s = new ZeraSocket(this, type);
            _sockets.Add(s);
            ZeraMetrics.Register(s);
            LiveCounts.SocketCreated();
            return s;
        }
    }

    internal void ThrowIfTerminated()
    {
        if (_terminated) ZeraException.ThrowTerminated();
    }

    internal void Unregister(ZeraSocket socket)
    {
        Inproc.UnbindAll(socket);
        lock (_lock)
        {
            if (_sockets.Remove(socket)) LiveCounts.SocketEnded();
            if (_terminated && _sockets.Count == 0) _socketsGone.TrySetResult();
        }
    }

    /// <summary>Tracks background work (a lingering connection) that disposal must wait for.</summary>
    internal void TrackLinger(Task task)
    {
        lock (_lock)
        {
            _lingering.RemoveAll(t => t.IsCompleted);
            _lingering.Add(task);
        }
    }

    /// <summary>This context's <c>inproc://</c> names.</summary>
    internal InprocRegistry Inproc { get; } = new();

    // ------------------------------------------------------------------ termination

    /// <summary>Terminates the context: blocked and pending calls on its sockets end with
    /// <see cref="ErrorKind.Terminated"/>, then this waits until every socket is disposed and has finished lingering.
    /// Safe to call twice (the second call returns at once).</summary>
    public void Dispose()
    {
        if (!BeginTermination()) return;
        _socketsGone.Task.GetAwaiter().GetResult();
        Task.WaitAll(Lingering());
    }

    /// <summary>Terminates the context like <see cref="Dispose"/>, but waits for the sockets' disposal and linger
    /// without blocking a thread: for an application that disposes its sockets on other tasks.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!BeginTermination()) return;
        await _socketsGone.Task.ConfigureAwait(false);
        await Task.WhenAll(Lingering()).ConfigureAwait(false);
    }

    /// <summary>Marks the context terminated and wakes every blocked call; false when it already was.</summary>
    private bool BeginTermination()
    {
        ZeraSocket[] sockets;
        lock (_lock)
        {
            if (_disposed) return false;
            _disposed = true;
            _terminated = true;
            sockets = [.. _sockets];
            if (_sockets.Count == 0) _socketsGone.TrySetResult();
        }
        foreach (var s in sockets) s.WakeForTermination();
        return true;
    }

    private Task[] Lingering()
    {
        lock (_lock) return [.. _lingering];
    }
}
