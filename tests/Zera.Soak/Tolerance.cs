namespace Zera.Soak;

/// <summary>How far a metric may rise: by <see cref="Absolute"/> plus <see cref="Relative"/> times its baseline.</summary>
internal readonly record struct Tolerance(double Absolute, double Relative)
{
    /// <summary>The highest value allowed over <paramref name="baseline"/>.</summary>
    public double Limit(double baseline) => baseline + Absolute + Relative * Math.Max(baseline, 0);

    public override string ToString() => Relative == 0 ? $"+{Absolute:0.#}" : $"+{Absolute:0.#} +{Relative:P0}";

    /// <summary>
    /// The defaults of the trend check (the last quarter's median against the first post-warm-up quarter's median).
    /// Each is far below what a leak per peer, per message or per cycle amounts to over a run of thousands of cycles,
    /// and above the noise measured on a 2-vCPU VM:
    /// <list type="bullet">
    /// <item>managed heap (after a full collection, pooled slabs left out): 8 MB + 25 %; the runtime's own pools
    /// (the shared array pool, thread-pool queues) settle at the churn's concurrency;</item>
    /// <item>RSS: 48 MB + 25 %: the GC keeps freed segments for a while and the JIT still compiles tier-1 code
    /// after warm-up;</item>
    /// <item>threads outside the pool: +12: a thread per socket or connection is thousands;</item>
    /// <item>thread-pool workers: +32: the pool's hill climbing and starvation injection add workers by the runtime's
    /// own policy when CPU is contended (a CI run saw 13 more in 5 s of peer churn), and it retires them only
    /// after 20 s idle; a pool thread held per peer would inject past that bound within a minute of the soak;</item>
    /// <item>file descriptors: +24: connections in flight when a sample is taken vary with the churn's batch;</item>
    /// <item>timers: +64: reconnect and cancellation timers in flight;</item>
    /// <item>sockets, sessions, engines: +32 over the early median: in flight at a sample, never a trend.</item>
    /// </list>
    /// At the end, once every peer is gone, sockets, sessions and engines must be back to their values before the
    /// scenario, descriptors within 16 and timers within 8 of theirs (see <see cref="GrowthCheck"/>).
    /// </summary>
    public static Tolerance Default(Metric m) => m switch
    {
        Metric.Heap => new(8 * MB, 0.25),
        Metric.Rss => new(48 * MB, 0.25),
        Metric.Threads => new(12, 0),
        Metric.PoolThreads => new(32, 0),
        Metric.Fds => new(24, 0),
        Metric.Timers => new(64, 0),
        _ => new(32, 0),
    };

    public const double MB = 1024 * 1024;
}
