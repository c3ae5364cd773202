namespace Zera.Soak.Scenarios;

/// <summary>
/// large-message: six flows, PUSH to PULL and DEALER to ROUTER over each of tcp, ipc and inproc, send messages of 1 to
/// 3 parts whose sizes are drawn log-uniformly from 1 KiB to 64 MiB (a message at most 64 MiB in all), while a shared
/// budget keeps about 100 MiB in flight across the six (a sender takes a message's size before sending it, the
/// receiver gives it back once it has checked it). Every part carries the soak's header and checksum and is checked
/// byte for byte; parts must arrive as the message they were sent in (the More flags), every message exactly once and
/// in order. Memory must stay under a bound derived from what is in flight.
/// </summary>
internal sealed class LargeMessage : Scenario
{
    private const int MinSize = 1024;
    private const int MaxSize = 64 << 20;
    private const long InFlight = 100L << 20;
    private static readonly (bool Router, string Transport)[] s_flows =
        [(false, "tcp"), (false, "ipc"), (false, "inproc"), (true, "tcp"), (true, "ipc"), (true, "inproc")];

    /// <summary>Heap allowed over the scenario's start. Each byte in flight is held at most three times: the sender's
    /// frame, the tcp/ipc engine's encoding of a large frame into a buffer of its own, and the receiver's frame (above
    /// 1 MiB each is an array of its exact size; below, a pooled one of up to twice it). So 3 × the budget, plus 64 MB
    /// for the runtime and the arrays of up to 1 MiB the shared pool keeps for reuse. A queue that ignored the budget's
    /// pace, or buffers kept after use, would hold gigabytes within seconds.</summary>
    internal static double HeapBound => 3.0 * InFlight + 64 * Tolerance.MB;

    /// <summary>RSS allowed over the start: twice the heap bound, as the GC keeps the space of freed large arrays
    /// committed for reuse (measured: RSS 790 MB settled with a 40 MB heap after a 14 s run), plus 256 MB for the
    /// runtime and the JIT.</summary>
    internal static double RssBound => 2 * HeapBound + 256 * Tolerance.MB;

    public override string Name => "large-message";

    public override string Description => "PUSH/PULL and DEALER/ROUTER over tcp, ipc, inproc: 1-3 part messages of 1 KiB-64 MiB, ~100 MiB in flight, checked byte for byte; memory bounded";

    /// <summary>The number of parts of a flow's message <paramref name="index"/> (both sides know it).</summary>
    private static int PartsOf(long index) => 1 + (int)(index % 3);

    /// <summary>What is in flight swings by hundreds of MB between samples, so the heap and RSS trend is judged against
    /// the bounds (the maximum is checked in <see cref="CheckSamples"/>, and the settled heap at the end against the
    /// same tolerance).</summary>
    public override Tolerance TrendTolerance(Metric metric) => metric switch
    {
        Metric.Heap => new(HeapBound, 0.25),
        Metric.Rss => new(RssBound, 0.25),
        _ => Tolerance.Default(metric),
    };

    public override void Run(ScenarioRun run)
    {
        using var ctx = new Context();
        var budget = new ByteBudget(InFlight);
        var stop = new ManualResetEventSlim();
        var sent = new long[s_flows.Length];
        var senderDone = new bool[s_flows.Length];
        var drained = s_flows.Select(_ => new ManualResetEventSlim()).ToArray();
        var bytes = new long[s_flows.Length];
        var receivers = new ZeraSocket[s_flows.Length];
        var endpoints = new string[s_flows.Length];
        var threads = new List<Thread>();
        for (int f = 0; f < s_flows.Length; f++)
        {
            receivers[f] = ctx.CreateSocket(s_flows[f].Router ? SocketType.Router : SocketType.Pull);
            receivers[f].Linger = 0;
            endpoints[f] = SoakEndpoints.Bind(receivers[f], s_flows[f].Transport, "large");
        }
        for (int f = 0; f < s_flows.Length; f++)
        {
            int flow = f;
            string label = $"{(s_flows[flow].Router ? "dealer/router" : "push/pull")} {s_flows[flow].Transport}";
            threads.Add(Workers.Start(run, $"large-message sender {label}", () =>
            {
                using var sender = ctx.CreateSocket(s_flows[flow].Router ? SocketType.Dealer : SocketType.Push);
                sender.Linger = 0;
                sender.Connect(endpoints[flow]);
                var rnd = new Random(100 + flow);
                long seq = 0;
                try
                {
                    for (long index = 0; !stop.IsSet && run.FailureCount == 0; index++)
                    {
                        int parts = PartsOf(index);
                        var sizes = new int[parts];
                        for (int p = 0; p < parts; p++) sizes[p] = LogUniform(rnd, MinSize, MaxSize / parts);
                        long total = sizes.Sum(s => (long)s);
                        if (!budget.TryTake(total, TimeSpan.FromSeconds(60)))
                        {
                            run.Fail($"{label}: {total:N0} bytes never fitted in the in-flight budget within 60 s (the receivers stopped taking)");
                            return;
                        }
                        for (int p = 0; p < parts; p++)
                        {
                            var frame = MessageCodec.Build(flow, seq++, sizes[p]);
                            if (!sender.TrySend(ref frame, TimeSpan.FromSeconds(60), more: p < parts - 1))
                            {
                                frame.Dispose();
                                run.Fail($"{label}: a send of {sizes[p]:N0} bytes blocked for 60 s");
                                return;
                            }
                        }
                        Volatile.Write(ref sent[flow], index + 1);
                    }
                }
                finally
                {
                    Volatile.Write(ref senderDone[flow], true);
                    // Linger 0 is safe: the socket stays until the receiver has taken everything sent.
                    drained[flow].Wait(TimeSpan.FromSeconds(70));
                }
            }));
            threads.Add(Workers.Start(run, $"large-message receiver {label}", () =>
            {
                try
                {
                    Receive(run, s_flows[flow].Router, label, receivers[flow], budget, stop, () => Volatile.Read(ref senderDone[flow]) ? Volatile.Read(ref sent[flow]) : -1, ref bytes[flow]);
                }
                finally
                {
                    drained[flow].Set();
                }
            }));
        }
        Workers.Until(() => run.TimeUp || run.FailureCount > 0, run.Duration + TimeSpan.FromSeconds(1));
        stop.Set();
        Workers.JoinAll(run, threads, TimeSpan.FromSeconds(90));
        foreach (var r in receivers) r.Dispose();
        long all = bytes.Sum();
        run.Note($"{sent.Sum():N0} messages, {all / Tolerance.MB:N0} MB checked ({string.Join(", ", s_flows.Select((f, i) => $"{(f.Router ? "dealer/router" : "push/pull")} {f.Transport} {bytes[i] / Tolerance.MB:N0} MB"))}); in flight at most {budget.Peak / Tolerance.MB:F0} MB (budget {InFlight / Tolerance.MB:F0} MB); heap allowed +{HeapBound / Tolerance.MB:F0} MB, RSS +{RssBound / Tolerance.MB:F0} MB over the start");
    }

    /// <summary>One receiver's loop: checks every part of every message, gives its bytes back to the budget, and
    /// after the stop drains until everything its sender sent has arrived (<paramref name="sentOnceDone"/>: the
    /// messages sent once the sender has finished, -1 before).</summary>
    private static void Receive(ScenarioRun run, bool router, string label, ZeraSocket receiver, ByteBudget budget,
        ManualResetEventSlim stop, Func<long> sentOnceDone, ref long bytes)
    {
        var tracker = new SequenceTracker(run);
        var wait = TimeSpan.FromMilliseconds(100);
        long index = 0;
        DateTime? drainUntil = null;
        while (run.FailureCount == 0)
        {
            // After the stop, drain what the sender got accepted (its last message may still be going out).
            long sent = sentOnceDone();
            if (sent >= 0 && index >= sent) break;
            if (stop.IsSet && (drainUntil ??= DateTime.UtcNow.AddSeconds(60)) < DateTime.UtcNow)
            {
                run.Fail($"{label}: messages sent and not received 60 s after the stop ({index} received; lost)");
                return;
            }
            if (!receiver.TryReceive(out var first, wait)) continue;
            if (router)
            {
                // The routing id the ROUTER puts first: then the message itself.
                bool more = first.More;
                first.Dispose();
                if (!more)
                {
                    run.Fail($"{label}: the ROUTER delivered a routing id with nothing after it");
                    return;
                }
                if (!receiver.TryReceive(out first, TimeSpan.FromSeconds(30)))
                {
                    run.Fail($"{label}: the message after a routing id did not follow within 30 s (cut)");
                    return;
                }
            }
            int parts = PartsOf(index);
            long total = 0;
            var frame = first;
            for (int p = 0; ; p++)
            {
                total += frame.Length;
                bool more = frame.More;
                using (frame) tracker.Accept(frame.Span);
                if (more != p < parts - 1)
                {
                    run.Fail($"{label}: message {index} has {(more ? "more" : "fewer")} than its {parts} parts (multipart not atomic)");
                    return;
                }
                if (!more) break;
                if (!receiver.TryReceive(out frame, TimeSpan.FromSeconds(30)))
                {
                    run.Fail($"{label}: part {p + 1} of message {index} did not follow within 30 s (cut)");
                    return;
                }
            }
            budget.Give(total);
            Interlocked.Add(ref bytes, total);
            index++;
        }
    }

    /// <summary>A size between <paramref name="min"/> and <paramref name="max"/>, uniform in its logarithm: as many
    /// messages of 1-2 KiB as of 32-64 MiB.</summary>
    private static int LogUniform(Random rnd, int min, int max) =>
        (int)Math.Min(max, Math.Exp(Math.Log(min) + rnd.NextDouble() * (Math.Log(max) - Math.Log(min))));

    public override void CheckSamples(ScenarioRun run, Sample before, IReadOnlyList<Sample> samples) =>
        MemoryBound.Check(run, before, samples, HeapBound, RssBound);
}
