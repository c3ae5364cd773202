using System.Runtime.CompilerServices;
using Zera.Transports;

namespace Zera;

public sealed partial class ZeraSocket
{
    private readonly Lock _monitorLock = new();
    private IConnectionEventSink[] _sinks = []; // the monitors, and internal listeners (tests)
    private SocketMonitor? _pairMonitor;

    /// <summary>
    /// zmq_socket_monitor: publishes this socket's connection events selected by <paramref name="events"/> on a PAIR
    /// socket bound at <paramref name="endpoint"/> (<c>inproc://</c>), in libzmq's format: a frame of 6 bytes (the
    /// 16-bit event number, then the 32-bit value, in the machine's byte order as libzmq writes them), then a frame
    /// with the endpoint; connect a PAIR
    /// there to read them. MONITOR_STOPPED is the last event, when this socket is disposed or the monitor stopped.
    /// One such monitor per socket, as in libzmq: a second call stops the first (its reader gets MONITOR_STOPPED) and
    /// starts the new one; a null <paramref name="endpoint"/> only stops it. <see cref="MonitorAsync"/> sequences are
    /// separate and unaffected. Events that find the PAIR full are dropped. Costs nothing while nobody monitors. Call
    /// on the socket's thread.
    /// </summary>
    public void Monitor(string? endpoint, SocketEventKind events = SocketEventKind.All)
    {
        int mark = Enter();
        try
        {
            if (endpoint != null && !endpoint.StartsWith("inproc://", StringComparison.Ordinal))
                Guard.ThrowArgument(nameof(endpoint), $"'{endpoint}': a monitor publishes on an inproc:// endpoint");
            if (_pairMonitor is { } old)
            {
                RemoveMonitor(old);
                old.Stop();
                _pairMonitor = null;
            }
            if (endpoint == null) return;
            _pairMonitor = SocketMonitor.ToPair(_context, endpoint, events);
            AddMonitor(_pairMonitor);
        }
        finally
        {
            Exit(mark);
        }
    }

    /// <summary>
    /// This socket's connection events selected by <paramref name="events"/>, as they happen, until
    /// <paramref name="cancellationToken"/> is cancelled or the socket is disposed (the sequence then ends with
    /// MONITOR_STOPPED if selected). Any number of readers may monitor at once, each from its own task; events are
    /// kept for a slow reader up to 10,000, the oldest dropped first.
    /// </summary>
    public async IAsyncEnumerable<SocketEvent> MonitorAsync(SocketEventKind events = SocketEventKind.All,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var monitor = SocketMonitor.ToChannel(events);
        AddMonitor(monitor);
        try
        {
            await foreach (var e in monitor.Reader!.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return e;
        }
        finally
        {
            RemoveMonitor(monitor);
        }
    }

    /// <summary>Adds a listener for this socket's connection events (monitors; tests), from any thread.</summary>
    internal void AddEventSink(IConnectionEventSink sink)
    {
        lock (_monitorLock) Volatile.Write(ref _sinks, [.. _sinks, sink]);
    }

    private void AddMonitor(SocketMonitor monitor) => AddEventSink(monitor);

    private void RemoveMonitor(SocketMonitor monitor)
    {
        lock (_monitorLock) Volatile.Write(ref _sinks, [.. _sinks.Where(m => m != monitor)]);
    }

    /// <summary>The socket is closing: every monitor reports MONITOR_STOPPED and ends.</summary>
    private void StopMonitors()
    {
        SocketMonitor[] monitors;
        lock (_monitorLock)
        {
            monitors = [.. _sinks.OfType<SocketMonitor>()];
            // Internal listeners stay: a connection still lingering reports how it ends.
            Volatile.Write(ref _sinks, [.. _sinks.Where(s => s is not SocketMonitor)]);
        }
        foreach (var monitor in monitors) monitor.Stop();
        _pairMonitor = null;
    }
}
