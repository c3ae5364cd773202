using System.Diagnostics;

namespace Zera.IntegrationTests.Support;

/// <summary>
/// A socket's monitor events (<see cref="ZeraSocket.MonitorAsync"/>) collected as they come, for tests that wait for
/// a given event without being async themselves. The monitor is in place when <see cref="Start"/> returns, so no
/// event after that is missed. Every wait is bounded.
/// </summary>
internal sealed class EventLog : IDisposable
{
    private readonly object _gate = new(); // a monitor: waits sleep on it until an event arrives
    private readonly List<SocketEvent> _events = [];
    private readonly CancellationTokenSource _stop;
    private readonly Task _pump;
    private bool _ended;

    private EventLog(CancellationTokenSource stop, IAsyncEnumerator<SocketEvent> events, ValueTask<bool> first)
    {
        _stop = stop;
        _pump = PumpAsync(events, first);
    }

    /// <summary>Starts monitoring <paramref name="socket"/> for <paramref name="mask"/>. Call on the socket's thread.</summary>
    public static EventLog Start(ZeraSocket socket, SocketEventKind mask = SocketEventKind.All)
    {
        var stop = new CancellationTokenSource();
        var events = socket.MonitorAsync(mask, stop.Token).GetAsyncEnumerator(stop.Token);
        var first = events.MoveNextAsync(); // runs up to the first wait: the monitor is registered on return
        return new EventLog(stop, events, first);
    }

    /// <summary>Everything seen so far, in order.</summary>
    public List<SocketEvent> Seen
    {
        get
        {
            lock (_gate) return [.. _events];
        }
    }

    /// <summary>Waits for the first event (seen already or to come) that is of <paramref name="kind"/> and matches
    /// <paramref name="match"/>; fails the test, listing what was seen, if none comes within
    /// <paramref name="timeout"/> (default <see cref="Wait.Timeout"/>).</summary>
    public SocketEvent WaitFor(SocketEventKind kind, Func<SocketEvent, bool>? match = null, string? what = null, TimeSpan? timeout = null) =>
        WaitForAt(kind, 0, match, what, timeout).Event;

    /// <summary>As <see cref="WaitFor"/>, among the events from position <paramref name="from"/> on; returns the event
    /// and its position.</summary>
    public (SocketEvent Event, int Index) WaitForAt(SocketEventKind kind, int from, Func<SocketEvent, bool>? match = null, string? what = null,
        TimeSpan? timeout = null)
    {
        var limit = timeout ?? Wait.Timeout;
        var clock = Stopwatch.StartNew();
        lock (_gate)
        {
            while (true)
            {
                for (int i = from; i < _events.Count; i++)
                {
                    var e = _events[i];
                    if (e.Kind == kind && (match == null || match(e))) return (e, i);
                }
                var left = limit - clock.Elapsed;
                if (_ended || left <= TimeSpan.Zero) break;
                Monitor.Wait(_gate, left);
            }
        }
        Assert.Fail($"no {kind} event{(what == null ? "" : " " + what)} within {limit.TotalSeconds:F0} s; seen: {Show(Seen)}");
        return default;
    }

    /// <summary>The events seen so far, one per line, for failure messages.</summary>
    public static string Show(IEnumerable<SocketEvent> events) =>
        string.Join("", events.Select(e => $"\n  {e.Kind} {e.Endpoint} value={e.Value} (0x{e.Value:X}) reason={e.Reason}"));

    private async Task PumpAsync(IAsyncEnumerator<SocketEvent> events, ValueTask<bool> first)
    {
        try
        {
            for (var next = first; await next.ConfigureAwait(false); next = events.MoveNextAsync())
            {
                lock (_gate)
                {
                    _events.Add(events.Current);
                    Monitor.PulseAll(_gate);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
        finally
        {
            lock (_gate)
            {
                _ended = true;
                Monitor.PulseAll(_gate);
            }
            await events.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops monitoring.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _pump.Wait(Wait.Timeout);
        _stop.Dispose();
    }
}
