using System.Threading.Tasks.Sources;

namespace Zera.Transports;

/// <summary>
/// One direction of an <see cref="IoRegistration"/>: an engine waits here, without allocating, for the next readiness
/// edge, and the <see cref="IoLoop"/> resumes it on its own thread (the continuation runs inline there, not on the
/// thread pool).
/// </summary>
/// <remarks>At most one waiter at a time (each engine loop is one flow). <see cref="Fire"/> comes from the loop's
/// thread; <see cref="Abort"/> from any thread, and its resumption is posted to the loop so that the closing thread
/// never runs the engine's code.</remarks>
internal sealed class IoWaiter : IValueTaskSource<bool>, IIoWork
{
    private const int Idle = 0, Waiting = 1, Completing = 2;

    private readonly Lock _lock = new();
    private int _sequence;
    private int _state;
    private bool _aborted;
    private ManualResetValueTaskSourceCore<bool> _core; // RunContinuationsAsynchronously off: resumed where completed

    /// <summary>The loop the registration is on, where aborts and yields are posted.</summary>
    public IoLoop? Loop { get; set; }

    /// <summary>How many edges came so far: read it before the attempt whose "would block" leads to
    /// <see cref="WaitAsync"/>.</summary>
    public int Sequence => Volatile.Read(ref _sequence);

    /// <summary>Waits for an edge after the <paramref name="sequence"/>-th; completes at once when one came meanwhile.
    /// True when the socket may be ready, false when the registration was disposed.</summary>
    public ValueTask<bool> WaitAsync(int sequence)
    {
        lock (_lock)
        {
            if (_aborted) return new ValueTask<bool>(false);
            if (_sequence != sequence) return new ValueTask<bool>(true);
            _core.Reset();
            _state = Waiting;
            return new ValueTask<bool>(this, _core.Version);
        }
    }

    /// <summary>Gives the loop's other work a turn: resumes on the loop after what is queued there now. False when the
    /// registration was disposed.</summary>
    public ValueTask<bool> YieldAsync()
    {
        lock (_lock)
        {
            if (_aborted) return new ValueTask<bool>(false);
            _core.Reset();
            _state = Completing;
        }
        Loop!.Post(this);
        return new ValueTask<bool>(this, _core.Version);
    }

    /// <summary>An edge (on the loop's thread): resumes the waiter here.</summary>
    public void Fire()
    {
        lock (_lock)
        {
            _sequence++;
            if (_state != Waiting) return;
            _state = Idle;
        }
        _core.SetResult(true);
    }

    /// <summary>The registration is disposed: this wait and every later one return false.</summary>
    public void Abort()
    {
        lock (_lock)
        {
            _aborted = true;
            _sequence++;
            if (_state != Waiting) return; // idle, or a posted completion will see _aborted
            _state = Completing;
        }
        Loop!.Post(this);
    }

    void IIoWork.Run(uint events)
    {
        bool result;
        lock (_lock)
        {
            if (_state != Completing) return;
            _state = Idle;
            result = !_aborted;
        }
        _core.SetResult(result);
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _core.GetResult(token);
    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _core.GetStatus(token);
    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
