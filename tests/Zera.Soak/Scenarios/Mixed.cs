namespace Zera.Soak.Scenarios;

/// <summary>
/// mixed: every other scenario at once in this process, each on its own thread with its own checks (its failures and
/// notes come to this run under its name), for the run's duration. The resources are sampled for the whole process,
/// so the tolerances are the sum of the scenarios' own, and the memory bound the sum of the bounded scenarios'
/// (slow-consumer, large-message) plus the heap and RSS tolerances of the others.
/// </summary>
internal sealed class Mixed : Scenario
{
    public override string Name => "mixed";

    public override string Description => "all the other scenarios at once, each with its own message checks";

    public override void Run(ScenarioRun run)
    {
        var children = Others;
        var threads = new List<Thread>();
        var runs = new List<ScenarioRun>();
        foreach (var child in children)
        {
            var childRun = new ScenarioRun(child.Name, run.Duration, run.IsShort, parent: run);
            runs.Add(childRun);
            threads.Add(Workers.Start(childRun, $"mixed: {child.Name}", () => child.Run(childRun)));
        }
        // Each scenario's own waits are bounded; this is the backstop against a hang in one of them, sooner than the
        // program's (2 minutes past the time) so that the report names the scenario.
        Workers.JoinAll(run, threads, run.Duration + TimeSpan.FromSeconds(90));
        foreach (var r in runs)
            run.Note($"{r.Name}: {(r.FailureCount == 0 ? "PASS" : "FAIL")}, {r.Messages:N0} messages checked, {r.Peers:N0} peers cycled");
    }

    /// <summary>The scenarios mixed runs together: all the others.</summary>
    private static Scenario[] Others => Scenario.Singles;

    public override Tolerance TrendTolerance(Metric metric) =>
        new(Others.Sum(s => s.TrendTolerance(metric).Absolute), Others.Max(s => s.TrendTolerance(metric).Relative));

    public override void CheckSamples(ScenarioRun run, Sample before, IReadOnlyList<Sample> samples)
    {
        double others = Others.Length - 2; // all but slow-consumer and large-message
        MemoryBound.Check(run, before, samples,
            SlowConsumer.HeapBound + LargeMessage.HeapBound + others * Tolerance.Default(Metric.Heap).Absolute,
            SlowConsumer.RssBound + LargeMessage.RssBound + others * Tolerance.Default(Metric.Rss).Absolute);
    }
}
