using System.Collections.Concurrent;
using System.Diagnostics;

namespace Zera.Soak;

/// <summary>One scenario's run: its deadline, progress counters, failures and notes. Thread-safe. A run inside another
/// (a scenario of <c>mixed</c>) passes its counts, failures and notes on to its parent as well.</summary>
internal sealed class ScenarioRun(string name, TimeSpan duration, bool isShort, ScenarioRun? parent = null)
{
    private const int KeptFailures = 20;
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly ConcurrentQueue<string> _notes = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _messages;
    private long _peers;
    private long _failureCount;

    public string Name { get; } = name;

    public TimeSpan Duration { get; } = duration;

    public bool IsShort { get; } = isShort;

    /// <summary>True once the run's time is up: the scenario stops starting new cycles and cleans up.</summary>
    public bool TimeUp => _clock.Elapsed >= Duration;

    /// <summary>Time since the run started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    public long Messages => Interlocked.Read(ref _messages);

    public long Peers => Interlocked.Read(ref _peers);

    public long FailureCount => Interlocked.Read(ref _failureCount);

    /// <summary>The first failures, in order.</summary>
    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>What the report should say besides the figures (documented drops, counts).</summary>
    public IReadOnlyCollection<string> Notes => _notes;

    /// <summary>Set by a scenario that takes its samples itself at quiet points (see <see cref="SampleWanted"/>).</summary>
    public bool Cooperative { get; set; }

    /// <summary>True while the sampler waits for a cooperative scenario to reach a quiet point (every peer that left
    /// has been received and its connection ended) and call <see cref="TakeQuietSample"/>.</summary>
    public bool SampleWanted => Volatile.Read(ref _wanted) != null;

    private TaskCompletionSource<Sample>? _wanted;

    /// <summary>The sampler's side: asks for a quiet sample; null if none came within <paramref name="timeout"/>.</summary>
    public Sample? RequestQuietSample(TimeSpan timeout)
    {
        var tcs = new TaskCompletionSource<Sample>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _wanted, tcs);
        bool got = tcs.Task.Wait(timeout);
        Interlocked.CompareExchange(ref _wanted, null, tcs);
        return got ? tcs.Task.Result : null;
    }

    /// <summary>The scenario's side, at a quiet point while <see cref="SampleWanted"/>: takes the sample.</summary>
    public void TakeQuietSample()
    {
        var tcs = Interlocked.Exchange(ref _wanted, null);
        tcs?.TrySetResult(Sampler.Take(Elapsed.TotalSeconds, Messages, Peers, quiet: true));
    }

    /// <summary>Called by a cooperative scenario between cycles: when a sample is wanted, waits (at most 10 s) for
    /// <paramref name="quiet"/> and takes it. A quiet point that never comes shows in the figures.</summary>
    public void QuietPoint(Func<bool> quiet)
    {
        if (!SampleWanted) return;
        Workers.Until(quiet, TimeSpan.FromSeconds(10));
        TakeQuietSample();
    }

    /// <summary>The usual quiet condition: no tcp or ipc session or engine beyond <paramref name="sessions"/> and
    /// <paramref name="engines"/>.</summary>
    public static bool ConnectionsAtMost(long sessions, long engines) =>
        Core.LiveCounts.Sessions <= sessions && Core.LiveCounts.Engines <= engines;

    public void CountMessage()
    {
        Interlocked.Increment(ref _messages);
        parent?.CountMessage();
    }

    public void CountPeer()
    {
        Interlocked.Increment(ref _peers);
        parent?.CountPeer();
    }

    public void Note(string text)
    {
        _notes.Enqueue(text);
        parent?.Note($"{Name}: {text}");
    }

    /// <summary>Records a failure (the first few are kept verbatim; all are counted).</summary>
    public void Fail(string reason)
    {
        if (Interlocked.Increment(ref _failureCount) <= KeptFailures) _failures.Enqueue(reason);
        parent?.Fail($"{Name}: {reason}");
    }
}
