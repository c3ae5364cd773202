namespace Zera.Soak;

/// <summary>The sampled quantities the growth checks look at, each with its name and how it reads in the report.</summary>
internal enum Metric
{
    Rss,
    Heap,
    Threads,
    PoolThreads,
    Fds,
    Timers,
    Sockets,
    Sessions,
    Engines,
}

/// <summary>Reading a <see cref="Metric"/> out of a <see cref="Sample"/>.</summary>
internal static class MetricExtensions
{
    /// <summary>All metrics, in report order.</summary>
    public static readonly Metric[] All = Enum.GetValues<Metric>();

    public static double Of(this Metric m, Sample s) => m switch
    {
        Metric.Rss => s.RssBytes,
        Metric.Heap => s.HeapBytes,
        Metric.Threads => s.Threads,
        Metric.PoolThreads => s.PoolThreads,
        Metric.Fds => s.Fds,
        Metric.Timers => s.Timers,
        Metric.Sockets => s.Sockets,
        Metric.Sessions => s.Sessions,
        Metric.Engines => s.Engines,
        _ => throw new ArgumentOutOfRangeException(nameof(m)),
    };

    /// <summary>True for the byte-valued metrics (shown in MB).</summary>
    public static bool IsBytes(this Metric m) => m is Metric.Rss or Metric.Heap;

    public static string Name(this Metric m) => m switch
    {
        Metric.Rss => "rss MB",
        Metric.Heap => "heap MB",
        Metric.PoolThreads => "pool",
        _ => m.ToString().ToLowerInvariant(),
    };

    public static string Format(this Metric m, double value) =>
        m.IsBytes() ? (value / (1024 * 1024)).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) : value.ToString("F0", System.Globalization.CultureInfo.InvariantCulture);
}
