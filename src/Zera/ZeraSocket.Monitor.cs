using System.Runtime.CompilerServices;

namespace Zera;

public sealed partial class ZeraSocket
{
    private readonly Lock _monitorLock = new();
    private SocketMonitor[] _monitors = [];
    private SocketMonitor? _pairMonitor;

    /// <summary>
    /// zmq_socket_monitor: publishes this socket's connection events selected by <paramref name="events"/> on a PAIR
    /// socket bound at <paramref name="endpoint"/> (<c>inproc://</c>), in libzmq's format: a frame of 6 bytes (the
    /// 16-bit event number, then the 32-bit value, little-endian), then a frame with the endpoint; connect a PAIR
    /// there to read them. MONITOR_STOPPED is the last event, when this socket is disposed or the monitor stopped.
    /// A null <paramref name="endpoint"/> stops the monitor. One such monitor per socket, as in libzmq; events that
    /// find the PAIR full are dropped. Costs nothing while nobody monitors. Call on the socket's thread.
    /// </summary>
    public void Monitor(string? endpoint, SocketEventKind events = SocketEventKind.All)
    {
        ThrowIfDisposed();
        if (endpoint != null && !endpoint.StartsWith("inproc://", StringComparison.Ordinal))
            Guard.ThrowArgument(nameof(endpoint), $"'{endpoint}': a monitor publishes on an inproc:// endpoint");
        if (_pairMonitor is { } old)
        {
            RemoveMonitor(old);
            old.Stop(_lastEndpoint ?? "");
            _pairMonitor = null;
        }
        if (endpoint == null || events == SocketEventKind.None) return;
        _pairMonitor = SocketMonitor.ToPair(_context, endpoint, events);
        AddMonitor(_pairMonitor);
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

    private void AddMonitor(SocketMonitor monitor)
    {
        lock (_monitorLock) Volatile.Write(ref _monitors, [.. _monitors, monitor]);
    }

    private void RemoveMonitor(SocketMonitor monitor)
    {
        lock (_monitorLock) Volatile.Write(ref _monitors, [.. _monitors.Where(m => m != monitor)]);
    }

    /// <summary>Hands an event to every monitor; a read of an empty array when nobody monitors.</summary>
    private void ReportToMonitors(in Transports.ConnectionEvent e)
    {
        var monitors = Volatile.Read(ref _monitors);
        foreach (var monitor in monitors) monitor.OnEvent(e);
    }

    /// <summary>The socket is closing: every monitor reports MONITOR_STOPPED and ends.</summary>
    private void StopMonitors()
    {
        SocketMonitor[] monitors;
        lock (_monitorLock)
        {
            monitors = _monitors;
            _monitors = [];
        }
        foreach (var monitor in monitors) monitor.Stop(_lastEndpoint ?? "");
        _pairMonitor = null;
    }
}
