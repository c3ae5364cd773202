namespace Zera;

/// <summary>
/// A timer driven by a <see cref="Poller"/>'s wait (as czmq's zloop timers or NetMQ's NetMQTimer): its callback runs
/// on the thread that waits on the poller, inside <see cref="Poller.Wait(Span{PollResult}, TimeSpan, CancellationToken)"/>
/// or <see cref="Poller.WaitAsync"/>, so it may use the poller's sockets. Made by <see cref="Poller.AddTimer"/>.
/// </summary>
/// <remarks>Threading: use it from the poller's thread (its callback included). A timer costs nothing while the
/// poller does not wait; a waiting poller sleeps until the earliest due timer.</remarks>
public sealed class PollerTimer
{
    private readonly Poller _poller;
    private TimeSpan _interval;

    internal PollerTimer(Poller poller, TimeSpan interval, Action<PollerTimer> callback, bool repeat)
    {
        _poller = poller;
        _interval = interval;
        Callback = callback;
        Repeat = repeat;
        Enabled = true;
        Due = Environment.TickCount64 + IntervalMs;
    }

    /// <summary>Time between runs (or until the one run). Setting it restarts the countdown.</summary>
    public TimeSpan Interval
    {
        get => _interval;
        set
        {
            Poller.CheckInterval(value, nameof(value));
            _interval = value;
            Reset();
        }
    }

    /// <summary>True for a timer that runs again every <see cref="Interval"/>; false for a one-shot.</summary>
    public bool Repeat { get; }

    /// <summary>True until a one-shot timer has run or <see cref="Cancel"/> was called; <see cref="Reset"/>
    /// enables it again.</summary>
    public bool Enabled { get; private set; }

    internal Action<PollerTimer> Callback { get; }

    internal long Due { get; private set; }

    internal long IntervalMs => Math.Max(1, (long)Math.Ceiling(_interval.TotalMilliseconds));

    /// <summary>Stops the timer; its callback will not run again until <see cref="Reset"/>.</summary>
    public void Cancel() => Enabled = false;

    /// <summary>Starts the countdown again from now (and enables a cancelled or finished timer).</summary>
    public void Reset()
    {
        Due = Environment.TickCount64 + IntervalMs;
        if (!Enabled)
        {
            Enabled = true;
            _poller.Rearm(this);
        }
    }

    /// <summary>Called by the poller when due: schedules the next run (or ends a one-shot), then runs the callback.</summary>
    internal void Fire(long now)
    {
        if (Repeat)
        {
            Due += IntervalMs;
            if (Due <= now) Due = now + IntervalMs; // a late poller does not replay the runs it missed
        }
        else Enabled = false;
        Callback(this);
    }
}
