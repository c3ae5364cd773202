namespace Zera;

public sealed partial class Poller
{
    /// <summary>Adds a timer whose <paramref name="callback"/> runs on the waiting thread after
    /// <paramref name="interval"/>, then every <paramref name="interval"/> when <paramref name="repeat"/> (the
    /// default), inside this poller's waits. <see cref="PollerTimer.Cancel"/> stops it.</summary>
    public PollerTimer AddTimer(TimeSpan interval, Action<PollerTimer> callback, bool repeat = true)
    {
        ThrowIfDisposed();
        CheckInterval(interval, nameof(interval));
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new PollerTimer(this, interval, callback, repeat);
        _timers.Add(timer);
        _signal.Set(); // a wait in progress recomputes its sleep
        return timer;
    }

    internal static void CheckInterval(TimeSpan interval, string paramName)
    {
        if (interval <= TimeSpan.Zero || interval.TotalMilliseconds > int.MaxValue)
            Guard.ThrowOutOfRange(paramName, interval, "must be positive (and at most int.MaxValue ms)");
    }

    /// <summary>A cancelled or finished timer was reset: it is kept again.</summary>
    internal void Rearm(PollerTimer timer)
    {
        if (_disposed) return;
        if (!_timers.Contains(timer)) _timers.Add(timer);
        _signal.Set();
    }

    private void RunDueTimers()
    {
        if (_timers.Count == 0) return;
        long now = Environment.TickCount64;
        // Callbacks may add, cancel or reset timers: walk the ones present now, by index.
        int count = _timers.Count;
        for (int i = 0; i < count && i < _timers.Count; i++)
        {
            var t = _timers[i];
            if (t.Enabled && t.Due <= now) t.Fire(now);
        }
        _timers.RemoveAll(static t => !t.Enabled);
    }
}
