using System.Net.Sockets;
using Zera.Core;
using Zera.Transports;

namespace Zera;

/// <summary>
/// A plain socket in a <see cref="Poller"/>: checks its readiness without blocking, and wakes the poller when it
/// becomes ready: a connected stream socket polled for reading through one pending zero-byte receive (which consumes
/// nothing, on every OS), anything else (writable, listening, datagram) through <see cref="EpollReadiness"/> on Linux.
/// </summary>
/// <remarks>Used on the poller's thread; the receive completes on an I/O thread and only sets the signal.</remarks>
internal sealed class NetSocketWatch : IDisposable
{
    private readonly SocketAsyncEventArgs _args = new();
    private readonly Signal _signal;
    private int _pending;
    private bool _disposed;
    private EpollReadiness.Watch? _epoll;

    public NetSocketWatch(Socket socket, Signal signal)
    {
        Socket = socket;
        _signal = signal;
        _args.SetBuffer(Memory<byte>.Empty);
        _args.Completed += (_, _) =>
        {
            Volatile.Write(ref _pending, 0);
            _signal.Set();
        };
    }

    public Socket Socket { get; }

    /// <summary>What the socket is ready for now, of <paramref name="wanted"/>. A closed socket reports
    /// <see cref="PollEvents.Error"/> (and readable, so a reader finds out).</summary>
    public PollEvents Check(PollEvents wanted)
    {
        try
        {
            var ready = PollEvents.None;
            if ((wanted & PollEvents.In) != 0 && Socket.Poll(0, SelectMode.SelectRead)) ready |= PollEvents.In;
            if ((wanted & PollEvents.Out) != 0 && Socket.Poll(0, SelectMode.SelectWrite)) ready |= PollEvents.Out;
            if ((wanted & PollEvents.Error) != 0 && Socket.Poll(0, SelectMode.SelectError)) ready |= PollEvents.Error;
            return ready;
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
            return PollEvents.Error | (wanted & PollEvents.In);
        }
    }

    /// <summary>Arranges to wake the poller when the socket becomes ready for <paramref name="wanted"/>; false when
    /// that cannot be done (writable, listening or datagram sockets where epoll is missing), so the poller re-checks.</summary>
    public bool Arm(PollEvents wanted)
    {
        if (_disposed) return true;
        if (!ZeroByteReceiveServes(wanted))
        {
            _epoll ??= EpollReadiness.Create(Socket, _signal);
            return _epoll?.Arm((wanted & PollEvents.In) != 0, (wanted & PollEvents.Out) != 0) ?? false;
        }
        try
        {
            if (Interlocked.Exchange(ref _pending, 1) == 1) return true; // already waiting
            if (!Socket.ReceiveAsync(_args))
            {
                Volatile.Write(ref _pending, 0);
                _signal.Set();
            }
            return true;
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException or InvalidOperationException)
        {
            Volatile.Write(ref _pending, 0);
            _signal.Set(); // the next check reports the error
            return true;
        }
    }

    /// <summary>True for "readable" alone on a connected stream socket: a zero-byte receive waits for it.</summary>
    private bool ZeroByteReceiveServes(PollEvents wanted)
    {
        if ((wanted & PollEvents.In) == 0 || (wanted & PollEvents.Out) != 0) return false;
        try
        {
            return Socket.SocketType == System.Net.Sockets.SocketType.Stream && Socket.Connected;
        }
        catch (ObjectDisposedException)
        {
            return true; // the receive path reports it
        }
    }

    public void Dispose()
    {
        _epoll?.Dispose();
        // A receive still pending completes when data comes or the socket closes, and only sets a signal nobody
        // waits on; the event args are freed then.
        _disposed = true;
        if (Volatile.Read(ref _pending) == 0) _args.Dispose();
    }
}
