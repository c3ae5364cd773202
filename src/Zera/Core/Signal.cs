using System.Diagnostics;
using System.Threading.Tasks.Sources;

namespace Zera.Core;

/// <summary>
/// An auto-reset wake-up that serves blocking, timed and asynchronous waiters alike without allocating.
/// A <see cref="Set"/> with nobody waiting is remembered, so "check, then wait" loops never lose a wake-up;
/// a spurious wake-up is possible and callers simply check again.
/// </summary>
/// <remarks>Any thread may call <see cref="Set"/>. At most one asynchronous waiter at a time.</remarks>
internal sealed class Signal : IValueTaskSource<bool>
{
    private readonly object _lock = new();
    private int _set;
    private int _syncWaiters;
    private bool _asyncPending;
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _registration;
    private const int SpinCount = 20;

    /// <summary>Wakes the waiter, or remembers the wake-up for the next wait.</summary>
    public void Set()
    {
        lock (_lock)
        {
            if (_asyncPending)
            {
                _asyncPending = false;
                _registration.Unregister();
                _registration = default;
                _core.SetResult(true);
                return;
            }
            _set = 1;
            if (_syncWaiters > 0) Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Consumes a remembered wake-up, if any, without waiting.</summary>
    public bool TryConsume() => Volatile.Read(ref _set) != 0 && Interlocked.Exchange(ref _set, 0) != 0;

    /// <summary>Blocks until set or until <paramref name="timeoutMs"/> (-1 = forever) runs out; false on timeout.
    /// Without <paramref name="spin"/> it sleeps at once: for a waiter whose spinning would take the core from the
    /// thread it waits for.</summary>
    public bool Wait(int timeoutMs, bool spin = true)
    {
        if (TryConsume()) return true;
        // A short spin catches the common case of a peer that answers within microseconds,
        // without paying for a kernel sleep and wake-up.
        var spinner = new SpinWait();
        for (int i = 0; spin && i < SpinCount; i++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            if (TryConsume()) return true;
        }
        long deadline = timeoutMs < 0 ? long.MaxValue : Environment.TickCount64 + timeoutMs;
        lock (_lock)
        {
            while (_set == 0)
            {
                int wait = -1;
                if (timeoutMs >= 0)
                {
                    long left = deadline - Environment.TickCount64;
                    if (left <= 0) return false;
                    wait = (int)Math.Min(left, int.MaxValue);
                }
                _syncWaiters++;
                try { Monitor.Wait(_lock, wait); }
                finally { _syncWaiters--; }
            }
            _set = 0;
            return true;
        }
    }

    /// <summary>Looks for a wake-up without sleeping until <paramref name="until"/> (a <see cref="Stopwatch"/>
    /// timestamp; 0 or past: not at all), consuming it if it comes. Between looks it yields, so that a thread which
    /// would set it, woken onto this core, gets to run.</summary>
    public bool Poll(long until)
    {
        while (Stopwatch.GetTimestamp() < until)
        {
            Thread.SpinWait(30);
            if (TryConsume()) return true;
            Thread.Yield();
            if (TryConsume()) return true;
        }
        return false;
    }

    /// <summary>Waits asynchronously until set; completes synchronously when already set. Cancellation throws
    /// <see cref="OperationCanceledException"/>.</summary>
    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken)
    {
        if (TryConsume()) return new ValueTask<bool>(true);
        lock (_lock)
        {
            if (_set != 0)
            {
                _set = 0;
                return new ValueTask<bool>(true);
            }
            if (_asyncPending) throw new SignalBusyException();
            cancellationToken.ThrowIfCancellationRequested();
            _core.Reset();
            _asyncPending = true;
            if (cancellationToken.CanBeCanceled)
                _registration = cancellationToken.UnsafeRegister(static (s, ct) => ((Signal)s!).Cancel(ct), this);
            return new ValueTask<bool>(this, _core.Version);
        }
    }

    private void Cancel(CancellationToken token)
    {
        lock (_lock)
        {
            if (!_asyncPending) return;
            _asyncPending = false;
            _registration = default;
            _core.SetException(new OperationCanceledException(token));
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _core.GetResult(token);
    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _core.GetStatus(token);
    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}

/// <summary>A second asynchronous waiter on a <see cref="Signal"/>, which serves one at a time. A socket never gets
/// here: its one-thread rule refuses a second pending call of one direction before it waits.</summary>
internal sealed class SignalBusyException() : InvalidOperationException("another asynchronous wait is already pending on this signal");
