namespace Zera.Soak;

/// <summary>
/// The resource checks of a run. Trend: the samples of the warm-up (the first 20 % of the run, at least 5 s) are left
/// out; of the rest, the median of the last quarter must not exceed the median of the first quarter by more than the
/// scenario's <see cref="Tolerance"/>. End: once the scenario has closed everything, Zera's live sockets, sessions and
/// engines must be back to their values before it, open descriptors within <see cref="EndFdSlack"/> and timers within
/// <see cref="EndTimerSlack"/> of theirs, and the managed heap within the heap tolerance of the post-warm-up median.
/// </summary>
internal static class GrowthCheck
{
    /// <summary>Descriptors the runtime may have opened meanwhile (epoll, thread-pool wake-ups); a leak of one per
    /// peer is thousands.</summary>
    public const int EndFdSlack = 16;

    /// <summary>Timers the runtime may keep (thread-pool and GC housekeeping).</summary>
    public const int EndTimerSlack = 8;

    /// <summary>The samples taken after the warm-up.</summary>
    public static List<Sample> AfterWarmUp(IReadOnlyList<Sample> samples, TimeSpan duration)
    {
        double warmUp = Math.Max(5, duration.TotalSeconds * 0.2);
        return samples.Where(s => s.Seconds >= warmUp).ToList();
    }

    /// <summary>Runs every check, recording failures in <paramref name="run"/>; returns the lines describing what was
    /// checked, for the report.</summary>
    public static List<string> Evaluate(Scenario scenario, ScenarioRun run, Sample before, IReadOnlyList<Sample> samples, Sample settled)
    {
        var lines = new List<string>();
        var post = AfterWarmUp(samples, run.Duration);
        double heapBaseline = before.HeapBytes;
        if (post.Count < 4)
        {
            lines.Add($"trend: only {post.Count} samples after warm-up, too few to judge a trend (checked the end only)");
        }
        else
        {
            int q = Math.Max(1, post.Count / 4);
            var first = post.Take(q).ToList();
            var last = post.Skip(post.Count - q).ToList();
            foreach (var m in MetricExtensions.All)
            {
                if (m == Metric.Fds && before.Fds < 0) continue;
                double a = Median(first.Select(s => m.Of(s))), b = Median(last.Select(s => m.Of(s)));
                var tol = scenario.TrendTolerance(m);
                double limit = tol.Limit(a);
                if (m == Metric.Heap) heapBaseline = a;
                if (b > limit)
                    run.Fail($"{m.Name()} grew: last-quarter median {m.Format(b)} over the first post-warm-up quarter's {m.Format(a)} (allowed {m.Format(limit)}: {Show(m, tol)})");
            }
            lines.Add($"trend: {post.Count} samples after warm-up, last-quarter median vs first-quarter median per metric (heap {Show(Metric.Heap, scenario.TrendTolerance(Metric.Heap))}, rss {Show(Metric.Rss, scenario.TrendTolerance(Metric.Rss))}, threads {scenario.TrendTolerance(Metric.Threads)}, pool {scenario.TrendTolerance(Metric.PoolThreads)}, fds {scenario.TrendTolerance(Metric.Fds)}, timers {scenario.TrendTolerance(Metric.Timers)}, live counts {scenario.TrendTolerance(Metric.Sockets)})");
        }

        if (settled.Sockets > before.Sockets || settled.Sessions > before.Sessions || settled.Engines > before.Engines)
            run.Fail($"live objects left after the scenario: sockets {settled.Sockets}, sessions {settled.Sessions}, engines {settled.Engines} (before: {before.Sockets}, {before.Sessions}, {before.Engines})");
        if (before.Fds >= 0 && settled.Fds > before.Fds + EndFdSlack)
            run.Fail($"file descriptors left open: {settled.Fds} after, {before.Fds} before (allowed +{EndFdSlack})");
        if (settled.Timers > before.Timers + EndTimerSlack)
            run.Fail($"timers left active: {settled.Timers} after, {before.Timers} before (allowed +{EndTimerSlack})");
        var heapTol = scenario.TrendTolerance(Metric.Heap);
        if (settled.HeapBytes > heapTol.Limit(heapBaseline))
            run.Fail($"managed heap after the scenario {Metric.Heap.Format(settled.HeapBytes)} MB, over {Metric.Heap.Format(heapTol.Limit(heapBaseline))} MB (baseline {Metric.Heap.Format(heapBaseline)} MB {Show(Metric.Heap, heapTol)})");
        lines.Add($"end: sockets/sessions/engines back to before, fds within +{EndFdSlack}, timers within +{EndTimerSlack}, heap within the heap tolerance of its post-warm-up baseline");
        scenario.CheckSamples(run, before, samples);
        return lines;
    }

    private static string Show(Metric m, Tolerance t) =>
        m.IsBytes() ? $"+{t.Absolute / Tolerance.MB:0.#} MB +{t.Relative:P0}" : t.ToString();

    /// <summary>The median of <paramref name="values"/>.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        if (v.Length == 0) return 0;
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
