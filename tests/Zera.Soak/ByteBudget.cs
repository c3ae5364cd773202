namespace Zera.Soak;

/// <summary>
/// Bytes in flight shared by several senders: a sender takes a message's size before sending it, the receiver gives
/// it back once the message is checked and released, so everything in flight never exceeds <see cref="Capacity"/>.
/// First come, first served, so a large message is not starved by a stream of small ones. Thread-safe.
/// </summary>
internal sealed class ByteBudget(long capacity)
{
    private readonly object _lock = new();
    private readonly HashSet<long> _abandoned = []; // tickets whose holder timed out before its turn
    private long _used;
    private long _nextTicket;
    private long _serving;

    public long Capacity { get; } = capacity;

    /// <summary>The most ever in flight at once.</summary>
    public long Peak { get; private set; }

    /// <summary>Waits (at most <paramref name="timeout"/>) until <paramref name="bytes"/> fit, in arrival order, and
    /// takes them; false on timeout (the turn is passed on).</summary>
    public bool TryTake(long bytes, TimeSpan timeout)
    {
        if (bytes > Capacity) throw new ArgumentOutOfRangeException(nameof(bytes), bytes, $"more than the budget of {Capacity}");
        var until = DateTime.UtcNow + timeout;
        lock (_lock)
        {
            long ticket = _nextTicket++;
            while (_serving != ticket || _used + bytes > Capacity)
            {
                var left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    // Give up the turn so that those behind go on (the caller fails the run anyway).
                    _abandoned.Add(ticket);
                    while (_abandoned.Remove(_serving)) _serving++;
                    Monitor.PulseAll(_lock);
                    return false;
                }
                Monitor.Wait(_lock, left);
            }
            _used += bytes;
            Peak = Math.Max(Peak, _used);
            _serving++;
            while (_abandoned.Remove(_serving)) _serving++;
            Monitor.PulseAll(_lock);
            return true;
        }
    }

    /// <summary>Gives back <paramref name="bytes"/> taken before.</summary>
    public void Give(long bytes)
    {
        lock (_lock)
        {
            _used -= bytes;
            Monitor.PulseAll(_lock);
        }
    }
}
