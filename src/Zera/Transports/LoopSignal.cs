using System.Threading.Tasks.Sources;

namespace Zera.Transports;

/// <summary>
/// An engine's auto-reset wake-up ("there is something to send", "the inbound pipe has room"), set from any thread and
/// awaited by one engine loop, without allocating. The waiting loop resumes on the <see cref="IoLoop"/> when the
/// engine runs there, so that waking a connection's send loop costs a post to the loop (and at most one eventfd write
/// when the loop sleeps), not a thread-pool worker's wake-up and spin; otherwise on the thread pool.
/// </summary>
/// <remarks>A set with nobody waiting is remembered; a spurious wake-up is possible and the loops check again.</remarks>
internal sealed class LoopSignal(IoLoop? loop) : IValueTaskSource<bool>, IIoWork, IThreadPoolWorkItem
{
    private const int Idle = 0, Waiting = 1;

    private readonly Lock _lock = new();
    private bool _set;
    private int _state;
    private ManualResetValueTaskSourceCore<bool> _core; // RunContinuationsAsynchronously off: resumed where completed

    /// <summary>Wakes the waiter (on the loop or the thread pool, never on the caller's thread), or remembers the
    /// wake-up for the next wait.</summary>
    public void Set()
    {
        lock (_lock)
        {
            if (_state != Waiting)
            {
                _set = true;
                return;
            }
            _state = Idle;
        }
        if (loop != null) loop.Post(this);
        else ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Waits until set; completes at once when a wake-up is remembered.</summary>
    public ValueTask<bool> WaitAsync()
    {
        lock (_lock)
        {
            if (_set)
            {
                _set = false;
                return new ValueTask<bool>(true);
            }
            _core.Reset();
            _state = Waiting;
            return new ValueTask<bool>(this, _core.Version);
        }
    }

    void IIoWork.Run(uint events) => _core.SetResult(true);

    void IThreadPoolWorkItem.Execute() => _core.SetResult(true);

    bool IValueTaskSource<bool>.GetResult(short token) => _core.GetResult(token);
    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _core.GetStatus(token);
    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
