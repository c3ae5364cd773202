namespace Zera.Soak;

/// <summary>
/// Per-peer sequence checking for one receiver (not thread-safe: one receiving thread owns it). Every peer numbers its
/// messages 0, 1, 2...; anything but the next number is a loss, a duplicate or a reordering and fails the run.
/// </summary>
internal sealed class SequenceTracker(ScenarioRun run)
{
    private readonly Dictionary<long, long> _next = [];

    /// <summary>Checks <paramref name="message"/> and counts it; false (and a failure recorded) if it is wrong.</summary>
    public bool Accept(ReadOnlySpan<byte> message) => Accept(message, out _, out _);

    /// <summary>As <see cref="Accept(ReadOnlySpan{byte})"/>, giving the message's peer and sequence.</summary>
    public bool Accept(ReadOnlySpan<byte> message, out long peer, out long seq)
    {
        if (!MessageCodec.TryRead(message, out peer, out seq, out var problem))
        {
            run.Fail(problem!);
            return false;
        }
        _next.TryGetValue(peer, out long expected);
        if (seq != expected)
        {
            run.Fail(seq < expected
                ? $"peer {peer}: seq {seq} again after {expected - 1} (duplicated or reordered)"
                : $"peer {peer}: seq {seq} where {expected} was next ({seq - expected} lost, or reordered)");
            _next[peer] = Math.Max(expected, seq + 1);
            return false;
        }
        _next[peer] = seq + 1;
        run.CountMessage();
        return true;
    }

    /// <summary>How many in-order messages of <paramref name="peer"/> arrived.</summary>
    public long Received(long peer) => _next.TryGetValue(peer, out long n) ? n : 0;

    /// <summary>Forgets <paramref name="peer"/> once it is known complete (keeps the tracker small over a long run).</summary>
    public void Forget(long peer) => _next.Remove(peer);

    /// <summary>Peers with messages seen and not yet forgotten.</summary>
    public int PeerCount => _next.Count;
}
