namespace Zera.Soak;

/// <summary>The memory-bound check of the scenarios that queue by design (slow-consumer, large-message, mixed): the
/// highest heap and RSS sampled may exceed the scenario's start by no more than a bound derived from what may be
/// queued or in flight.</summary>
internal static class MemoryBound
{
    /// <summary>Fails <paramref name="run"/> if a sample's heap or RSS went more than <paramref name="heapBound"/> or
    /// <paramref name="rssBound"/> bytes over <paramref name="before"/>.</summary>
    public static void Check(ScenarioRun run, Sample before, IReadOnlyList<Sample> samples, double heapBound, double rssBound)
    {
        if (samples.Count == 0) return;
        long maxHeap = samples.Max(s => s.HeapBytes), maxRss = samples.Max(s => s.RssBytes);
        if (maxHeap - before.HeapBytes > heapBound)
            run.Fail($"managed heap reached {maxHeap / Tolerance.MB:F1} MB, {(maxHeap - before.HeapBytes) / Tolerance.MB:F1} MB over the start; allowed {heapBound / Tolerance.MB:F0} MB");
        if (maxRss - before.RssBytes > rssBound)
            run.Fail($"RSS reached {maxRss / Tolerance.MB:F1} MB, {(maxRss - before.RssBytes) / Tolerance.MB:F1} MB over the start; allowed {rssBound / Tolerance.MB:F0} MB");
        run.Note($"maximum sampled: heap {maxHeap / Tolerance.MB:F1} MB (start {before.HeapBytes / Tolerance.MB:F1} MB, allowed +{heapBound / Tolerance.MB:F0} MB), RSS {maxRss / Tolerance.MB:F1} MB (start {before.RssBytes / Tolerance.MB:F1} MB, allowed +{rssBound / Tolerance.MB:F0} MB)");
    }
}
