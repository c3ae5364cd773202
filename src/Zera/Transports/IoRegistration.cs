using System.Net.Sockets;

namespace Zera.Transports;

/// <summary>
/// One socket's place in the <see cref="IoLoop"/>: registered once, edge-triggered, for input and output, with one
/// <see cref="IoWaiter"/> per direction. The engine tries its non-blocking read or write first and waits only after the
/// kernel said "would block"; an edge that came in between is not lost, because the waiter compares the edge count it
/// read before the attempt (<see cref="IoWaiter.Sequence"/>).
/// </summary>
/// <remarks>Created and disposed by the engine (any thread); its events arrive on the loop's thread. Disposing it stops
/// the events and makes every wait, pending or to come, return false (the socket is closing).</remarks>
internal sealed class IoRegistration : IIoWork, IDisposable
{
    private readonly Socket _socket;
    private int _disposed;

    private IoRegistration(Socket socket) => _socket = socket;

    /// <summary>The loop's key for this registration (never 0).</summary>
    public long Id { get; set; }

    /// <summary>The loop whose thread runs this socket's events (set once, before the first event).</summary>
    public IoLoop? Loop
    {
        get => _loop;
        set
        {
            _loop = value;
            Readable.Loop = value;
            Writable.Loop = value;
        }
    }

    private IoLoop? _loop;

    /// <summary>Readiness to read (input, end of stream, error).</summary>
    public IoWaiter Readable { get; } = new();

    /// <summary>Readiness to write (room in the send buffer, error).</summary>
    public IoWaiter Writable { get; } = new();

    /// <summary>Registers <paramref name="socket"/> with the loop; null when the loop is off or the kernel refused, and
    /// the caller then uses .NET's asynchronous socket operations.</summary>
    public static IoRegistration? Create(Socket socket)
    {
        if (!IoLoop.IsEnabled) return null;
        var registration = new IoRegistration(socket);
        var handle = socket.SafeHandle;
        bool held = false;
        try
        {
            handle.DangerousAddRef(ref held);
            return IoLoop.Add(registration, (int)handle.DangerousGetHandle()) != null ? registration : null;
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
        finally
        {
            if (held) handle.DangerousRelease();
        }
    }

    void IIoWork.Run(uint events)
    {
        if ((events & (Epoll.In | Epoll.Err | Epoll.Hup | Epoll.RdHup)) != 0) Readable.Fire();
        if ((events & (Epoll.Out | Epoll.Err | Epoll.Hup)) != 0) Writable.Fire();
    }

    /// <summary>Stops the events (call before the socket is closed, so its number is not reused meanwhile) and ends
    /// every wait.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        var handle = _socket.SafeHandle;
        bool held = false;
        int fd = -1;
        try
        {
            handle.DangerousAddRef(ref held);
            fd = (int)handle.DangerousGetHandle();
        }
        catch (ObjectDisposedException)
        {
            // Closed already: the kernel dropped the registration with the descriptor.
        }
        try
        {
            _loop?.Remove(this, fd);
        }
        finally
        {
            if (held) handle.DangerousRelease();
        }
        Readable.Abort();
        Writable.Abort();
    }
}
