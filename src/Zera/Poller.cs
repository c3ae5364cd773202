using System.Runtime.CompilerServices;
using Zera.Core;
using NetSocket = System.Net.Sockets.Socket;

namespace Zera;

/// <summary>
/// Waits on many sockets from one thread (zmq_poller / zmq_poll): Zera sockets and plain
/// <see cref="System.Net.Sockets.Socket"/>s, for readable and/or writable, with a timeout, plus timers that run
/// inside the same wait. Level-triggered: a socket with a message still waiting is reported again by the next wait.
/// </summary>
/// <remarks>
/// <para>Threading: a poller is used by one thread at a time, and so are the Zera sockets in it (wait, then receive
/// or send on the ready sockets, on the same thread; an <c>await</c> that resumes elsewhere is fine). Timer callbacks
/// run on the waiting thread.</para>
/// <para>Cost: a poller holds no OS resource for its Zera sockets (they wake it through the same signals that wake a
/// blocked receive), has no cap on their number, allocates nothing per wait in steady state, and uses no CPU while
/// nothing is ready. A plain connected stream socket polled for reading costs one pending zero-byte receive; the other
/// plain-socket cases (writable, listening, datagram) are watched on Linux by one epoll registration each, served by
/// one thread for the whole process that sleeps in epoll_wait; on other systems they are re-checked every 10 ms while
/// the poller waits.</para>
/// <para>Lifetime: <see cref="Dispose"/> forgets every item and timer (the sockets themselves stay open). A wait on a
/// socket whose context is terminated throws <see cref="ErrorKind.Terminated"/>, like a blocked receive.</para>
/// </remarks>
public sealed partial class Poller : IDisposable
{
    private const int NetSocketRecheckMs = 10;

    /// <summary>Waits that had to re-check a plain socket on a timer because nothing could wake them (for tests).</summary>
    internal long Rechecks { get; private set; }

    private readonly Signal _signal = new();

    /// <summary>Whether a blocking <c>Wait</c> spins briefly before it sleeps (true, the default: a reply that comes
    /// within microseconds is caught without a wake-up). A proxy turns it off: its thread waits between bursts of a
    /// stream, and spinning (with yields) took the cores its I/O threads needed (bench/RESULTS.md).</summary>
    internal bool SpinsBeforeSleeping { get; set; } = true;

    private readonly List<Item> _items = [];
    private readonly Dictionary<object, Item> _byTarget = new(ReferenceEqualityComparer.Instance);
    private readonly List<PollerTimer> _timers = [];
    private Timer? _asyncWake;
    private int _next;
    private bool _disposed;

    private sealed class Item(ZeraSocket? socket, NetSocketWatch? net, PollEvents events, object? userData)
    {
        public readonly ZeraSocket? Socket = socket;
        public readonly NetSocketWatch? Net = net;
        public PollEvents Events = events;
        public readonly object? UserData = userData;
    }

    /// <summary>The number of sockets in the poller.</summary>
    public int Count => _items.Count;

    /// <summary>Adds a Zera socket, waiting for <paramref name="events"/> (<see cref="PollEvents.In"/>,
    /// <see cref="PollEvents.Out"/> or both); <paramref name="userData"/> comes back with each result.</summary>
    public void Add(ZeraSocket socket, PollEvents events, object? userData)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ThrowIfDisposed();
        CheckEvents(events, PollEvents.In | PollEvents.Out);
        if (socket.IsDisposed) throw new ObjectDisposedException(nameof(socket), "the socket was disposed");
        AddItem(socket, new Item(socket, null, events, userData));
        socket.AddWatcher(_signal);
    }

    /// <summary>Adds a plain <see cref="System.Net.Sockets.Socket"/>, waiting for <paramref name="events"/>
    /// (<see cref="PollEvents.In"/>, <see cref="PollEvents.Out"/>, <see cref="PollEvents.Error"/>).</summary>
    public void Add(NetSocket socket, PollEvents events, object? userData)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ThrowIfDisposed();
        CheckEvents(events, PollEvents.In | PollEvents.Out | PollEvents.Error);
        AddItem(socket, new Item(null, new NetSocketWatch(socket, _signal), events, userData));
    }

    /// <summary>Adds a Zera socket, waiting for <paramref name="events"/>.</summary>
    public void Add(ZeraSocket socket, PollEvents events) => Add(socket, events, null);

    /// <summary>Adds a plain socket, waiting for <paramref name="events"/>.</summary>
    public void Add(NetSocket socket, PollEvents events) => Add(socket, events, null);

    /// <summary>Changes what a Zera socket already in the poller is waited for.</summary>
    public void Modify(ZeraSocket socket, PollEvents events)
    {
        CheckEvents(events, PollEvents.In | PollEvents.Out);
        Find(socket, nameof(socket)).Events = events;
    }

    /// <summary>Changes what a plain socket already in the poller is waited for.</summary>
    public void Modify(NetSocket socket, PollEvents events)
    {
        CheckEvents(events, PollEvents.In | PollEvents.Out | PollEvents.Error);
        Find(socket, nameof(socket)).Events = events;
    }

    /// <summary>Removes a Zera socket from the poller (the socket stays open).</summary>
    public void Remove(ZeraSocket socket)
    {
        var item = Find(socket, nameof(socket));
        RemoveItem(socket, item);
        socket.RemoveWatcher(_signal);
    }

    /// <summary>Removes a plain socket from the poller (the socket stays open).</summary>
    public void Remove(NetSocket socket)
    {
        var item = Find(socket, nameof(socket));
        RemoveItem(socket, item);
        item.Net!.Dispose();
    }

    /// <summary>True when <paramref name="socket"/> is in the poller.</summary>
    public bool Contains(ZeraSocket socket) => socket is not null && _byTarget.ContainsKey(socket);

    /// <summary>True when <paramref name="socket"/> is in the poller.</summary>
    public bool Contains(NetSocket socket) => socket is not null && _byTarget.ContainsKey(socket);

    /// <summary>Waits until at least one item is ready, <paramref name="timeout"/> runs out
    /// (<see cref="Timeout.InfiniteTimeSpan"/> waits for ever, zero only looks), or <paramref name="cancellationToken"/>
    /// fires (<see cref="OperationCanceledException"/>). Writes up to <c>ready.Length</c> ready items into
    /// <paramref name="ready"/> and returns how many (0 on timeout). Due timers run inside the wait.</summary>
    /// <exception cref="ZeraException"><see cref="ErrorKind.Terminated"/> when a polled socket's context is
    /// terminated.</exception>
    public int Wait(Span<PollResult> ready, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        CheckReady(ready.Length);
        int timeoutMs = ToMs(timeout);
        long deadline = timeoutMs < 0 ? long.MaxValue : Environment.TickCount64 + timeoutMs;
        CancellationTokenRegistration registration = default;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int n = RunTimersAndCollect(ready);
                if (n > 0) return n;
                int wait = NextWait(deadline, out bool expired);
                if (expired) return 0;
                if (cancellationToken.CanBeCanceled && registration == default)
                    registration = cancellationToken.UnsafeRegister(static s => ((Signal)s!).Set(), _signal);
                _signal.Wait(wait, SpinsBeforeSleeping);
            }
        }
        finally
        {
            registration.Dispose();
        }
    }

    /// <summary>Waits as <see cref="Wait(Span{PollResult}, TimeSpan, CancellationToken)"/>, without a token.</summary>
    public int Wait(Span<PollResult> ready, TimeSpan timeout) => Wait(ready, timeout, CancellationToken.None);

    /// <summary>Waits asynchronously as <see cref="Wait(Span{PollResult}, TimeSpan, CancellationToken)"/>. Completes
    /// synchronously, without allocating, when something is ready already; a wait that has to sleep reuses pooled
    /// state. One asynchronous wait at a time.</summary>
    public ValueTask<int> WaitAsync(Memory<PollResult> ready, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        CheckReady(ready.Length);
        int timeoutMs = ToMs(timeout);
        cancellationToken.ThrowIfCancellationRequested();
        int n = RunTimersAndCollect(ready.Span);
        if (n > 0 || timeoutMs == 0) return new ValueTask<int>(n);
        long deadline = timeoutMs < 0 ? long.MaxValue : Environment.TickCount64 + timeoutMs;
        return WaitSlowAsync(ready, deadline, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> WaitSlowAsync(Memory<PollResult> ready, long deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            int wait = NextWait(deadline, out bool expired);
            if (expired) return 0;
            if (wait >= 0)
            {
                // One reusable timer turns the deadline into a wake-up, so a timed wait allocates nothing.
                _asyncWake ??= new Timer(static s => ((Signal)s!).Set(), _signal, Timeout.Infinite, Timeout.Infinite);
                _asyncWake.Change(wait, Timeout.Infinite);
            }
            try
            {
                await _signal.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SignalBusyException)
            {
                throw new ZeraException(ErrorKind.InvalidState, "another asynchronous wait is already pending on this poller");
            }
            finally
            {
                if (wait >= 0) _asyncWake!.Change(Timeout.Infinite, Timeout.Infinite);
            }
            ThrowIfDisposed();
            int n = RunTimersAndCollect(ready.Span);
            if (n > 0) return n;
        }
    }

    /// <summary>Runs due timers, then writes the ready items, starting each round with the item after the last one
    /// reported so a busy socket cannot hide the others when <c>ready</c> is short.</summary>
    private int RunTimersAndCollect(Span<PollResult> ready)
    {
        RunDueTimers();
        int count = _items.Count, n = 0;
        if (count == 0) return 0;
        int start = _next < count ? _next : 0;
        for (int k = 0; k < count && n < ready.Length; k++)
        {
            int i = start + k;
            if (i >= count) i -= count;
            var item = _items[i];
            if (item.Events == PollEvents.None) continue;
            PollEvents events;
            if (item.Socket is { } socket)
            {
                if (socket.IsDisposed)
                    throw new ObjectDisposedException(nameof(ZeraSocket), "a socket in this poller was disposed; remove it from the poller before disposing it");
                events = socket.Check(item.Events);
            }
            else events = item.Net!.Check(item.Events);
            if (events != PollEvents.None)
            {
                ready[n++] = new PollResult(item.Socket, item.Net?.Socket, events, item.UserData);
                _next = i + 1;
            }
        }
        return n;
    }

    /// <summary>How long to sleep: until the deadline, the next timer, or the next re-check of a plain socket that
    /// cannot wake us; arms the plain sockets' wake-ups. <paramref name="expired"/> when the deadline has passed.</summary>
    private int NextWait(long deadline, out bool expired)
    {
        long now = Environment.TickCount64;
        expired = deadline != long.MaxValue && deadline <= now;
        long until = deadline;
        foreach (var t in _timers)
            if (t.Enabled && t.Due < until) until = t.Due;
        foreach (var item in _items)
            if (item.Net is { } net && item.Events != PollEvents.None && !net.Arm(item.Events))
            {
                until = Math.Min(until, now + NetSocketRecheckMs);
                Rechecks++;
            }
        if (until == long.MaxValue) return -1;
        return (int)Math.Clamp(until - now, 0, int.MaxValue);
    }

    private void AddItem(object target, Item item)
    {
        if (!_byTarget.TryAdd(target, item)) Guard.ThrowArgument("socket", "the socket is already in this poller (use Modify to change its events)");
        _items.Add(item);
    }

    private void RemoveItem(object target, Item item)
    {
        _byTarget.Remove(target);
        _items.Remove(item);
    }

    private Item Find(object socket, string paramName)
    {
        ArgumentNullException.ThrowIfNull(socket, paramName);
        ThrowIfDisposed();
        if (!_byTarget.TryGetValue(socket, out var item)) Guard.ThrowArgument(paramName, "the socket is not in this poller");
        return item;
    }

    private static void CheckEvents(PollEvents events, PollEvents allowed)
    {
        if ((events & ~allowed) != 0) Guard.ThrowOutOfRange(nameof(events), events, $"only {allowed} may be polled here");
    }

    private static void CheckReady(int length)
    {
        if (length == 0) Guard.ThrowArgument("ready", "needs room for at least one result");
    }

    private static int ToMs(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan) return -1;
        if (timeout < TimeSpan.Zero) Guard.ThrowOutOfRange(nameof(timeout), timeout, "must be zero, positive or infinite");
        return (int)Math.Min(int.MaxValue, Math.Ceiling(timeout.TotalMilliseconds));
    }

    private void ThrowIfDisposed()
    {
        if (_disposed) throw new ObjectDisposedException(nameof(Poller));
    }

    /// <summary>Forgets every item and timer; the sockets stay open. Safe to call twice.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var item in _items)
        {
            item.Socket?.RemoveWatcher(_signal);
            item.Net?.Dispose();
        }
        _items.Clear();
        _byTarget.Clear();
        _timers.Clear();
        _asyncWake?.Dispose();
        _signal.Set(); // a pending asynchronous wait ends (with ObjectDisposedException)
    }
}
