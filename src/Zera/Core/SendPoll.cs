using System.Diagnostics;

namespace Zera.Core;

/// <summary>
/// Decides whether an asynchronous send held at the high-water mark polls for room before it hands its continuation
/// to the thread pool. The pool's hand-off is dear: the I/O thread queues the continuation, a worker wakes for it and
/// another spins in vain, and on two cores that CPU comes from the threads draining the pipe. A stream of small
/// messages reaches its mark every few dozen microseconds and gets room back as quickly (tcp 1 B: half the mark drains
/// in about 50-100 µs), so polling through that wait moved 2.2x the messages; larger messages drain more slowly and
/// poll in vain. So while waits end within <see cref="Budget"/>, the next one polls that long first; after one longer
/// wait the send goes straight to the pool until a wait is quick again. Times are <see cref="Stopwatch"/> ticks passed
/// in, so the policy is testable without a clock. Owned by one socket and used only by the call that holds it.
/// </summary>
internal struct SendPoll
{
    /// <summary>Longest poll for room: 200 µs, two to four times what half a mark of small messages takes to drain
    /// over loopback, and short beside a mark of large messages or a slow peer.</summary>
    public static readonly long Budget = Stopwatch.Frequency / 5_000;

    private bool _slow;

    /// <summary>True when the last wait for room outlasted <see cref="Budget"/>.</summary>
    public readonly bool Slow => _slow;

    /// <summary>A send found no room at <paramref name="now"/>; returns the time until which it should poll
    /// (0 when it should not).</summary>
    public readonly long Until(long now) => _slow ? 0 : now + Budget;

    /// <summary>The send that began waiting at <paramref name="started"/> got room at <paramref name="now"/>.</summary>
    public void Waited(long started, long now) => _slow = now - started > Budget;
}
