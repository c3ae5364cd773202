namespace Zera.Soak;

/// <summary>One soak scenario: it runs until <see cref="ScenarioRun.TimeUp"/>, checking every message, then closes
/// everything it made so that the end checks see the process as it was.</summary>
internal abstract class Scenario
{
    /// <summary>The name given to <c>--scenario</c>.</summary>
    public abstract string Name { get; }

    /// <summary>One line for the report.</summary>
    public abstract string Description { get; }

    /// <summary>Runs the scenario on the calling (dedicated) thread until the run's time is up, then cleans up.
    /// Failures go to <paramref name="run"/>.</summary>
    public abstract void Run(ScenarioRun run);

    /// <summary>The trend tolerance for <paramref name="metric"/> (defaults: <see cref="Tolerance.Default"/>).</summary>
    public virtual Tolerance TrendTolerance(Metric metric) => Tolerance.Default(metric);

    /// <summary>Extra checks on the samples (a memory bound, for instance); failures go to <paramref name="run"/>.</summary>
    public virtual void CheckSamples(ScenarioRun run, Sample before, IReadOnlyList<Sample> samples)
    {
    }

    /// <summary>Every scenario, in the order they run: each on its own, then all of them at once.</summary>
    public static Scenario[] All => [.. Singles, new Scenarios.Mixed()];

    /// <summary>The scenarios that run on their own (mixed runs them all together).</summary>
    public static Scenario[] Singles =>
    [
        new Scenarios.PeerChurn(),
        new Scenarios.ReconnectStorm(),
        new Scenarios.RouterDealerChurn(),
        new Scenarios.SlowConsumer(),
        new Scenarios.ContextChurn(),
        new Scenarios.CancelStorm(),
        new Scenarios.PubSubChurn(),
        new Scenarios.LargeMessage(),
    ];
}
