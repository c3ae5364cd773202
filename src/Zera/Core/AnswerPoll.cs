using System.Diagnostics;

namespace Zera.Core;

/// <summary>
/// Decides how long a REQ or REP receive polls for its answer before it sleeps. Polling through a short round trip
/// keeps the core awake: on a virtual machine a core that went idle takes tens of microseconds to wake, which made a
/// loopback round trip 80-100 µs where 20-35 µs is possible (bench/RESULTS.md). So while answers come within
/// <see cref="Window"/> of the start of waiting, a receive polls up to <see cref="Budget"/>; after one longer wait (a
/// slow peer, a remote network, an idle service) it polls only the few microseconds every receive does, until answers
/// come quickly again. Times are <see cref="Stopwatch"/> ticks passed in, so the policy is testable without a clock.
/// Owned by one socket and used only by the call that holds it.
/// </summary>
internal struct AnswerPoll
{
    /// <summary>Longest poll for an answer: 100 µs, several loopback round trips with the cores awake, and far less
    /// than a busy peer or a remote network takes.</summary>
    public static readonly long Budget = Stopwatch.Frequency / 10_000;

    /// <summary>A wait up to this long (1 ms) shows answers coming quickly enough to poll for the next one. The price
    /// of polling: while answers take between 100 µs and 1 ms, each wait spends 100 µs of it on a core.</summary>
    public static readonly long Window = Stopwatch.Frequency / 1_000;

    private long _started;
    private bool _quick;

    /// <summary>True when the last answer came within <see cref="Window"/>.</summary>
    public readonly bool Quick => _quick;

    /// <summary>A receive found nothing at <paramref name="now"/> and begins to poll; returns the time until which it
    /// should poll for the answer (<paramref name="now"/> itself when it should not).</summary>
    public long Begin(long now)
    {
        _started = now;
        return _quick ? now + Budget : now;
    }

    /// <summary>The receive that began at the last <see cref="Begin"/> slept and then got its answer at
    /// <paramref name="now"/>.</summary>
    public void Answered(long now) => _quick = now - _started <= Window;
}
