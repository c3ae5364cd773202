namespace Zera.Soak.Scenarios;

/// <summary>
/// slow-consumer: two PUSH/PULL pairs (tcp and inproc), each a sender sending 4 KB messages as fast as it can and a
/// receiver that reads for 100-400 ms, then stalls for 200-800 ms, over and over. With both high-water marks at 1,000
/// the sender must block instead of queueing without bound: the managed heap and RSS must stay under a bound derived
/// from the marks, and no message may be lost, duplicated or reordered.
/// </summary>
internal sealed class SlowConsumer : Scenario
{
    private const int Size = 4096;
    private const int Hwm = 1000;
    private static readonly string[] s_transports = ["tcp", "inproc"];

    /// <summary>What the queues may hold by design: per pair, the sender's and the receiver's marks of messages of
    /// <see cref="Size"/> bytes (over inproc the two marks add up to one pipe of the same total).</summary>
    private static double QueuedBound => s_transports.Length * 2.0 * Hwm * Size;

    /// <summary>Heap allowed over the scenario's start: twice the queued bound (a frame's buffer may be a pooled
    /// array larger than the message, and the engines' read and write batches come on top) plus 24 MB for the
    /// runtime. A sender that ignored the marks would queue hundreds of MB during one stall.</summary>
    internal static double HeapBound => 2 * QueuedBound + 24 * Tolerance.MB;

    /// <summary>RSS allowed over the scenario's start: the heap bound plus 96 MB for the GC's retained segments and
    /// the JIT.</summary>
    internal static double RssBound => HeapBound + 96 * Tolerance.MB;

    public override string Name => "slow-consumer";

    public override string Description => "PULLs that stall and resume under fast 4 KB senders (tcp, inproc; HWM 1000): memory bounded by the marks, no loss";

    public override void Run(ScenarioRun run)
    {
        using var ctx = new Context();
        var threads = new List<Thread>();
        var accepted = new long[s_transports.Length];
        var stopSending = new ManualResetEventSlim();
        var drained = s_transports.Select(_ => new ManualResetEventSlim()).ToArray();
        var endpoints = new string[s_transports.Length];
        var pulls = new ZeraSocket[s_transports.Length];
        for (int p = 0; p < s_transports.Length; p++)
        {
            pulls[p] = ctx.CreateSocket(SocketType.Pull);
            pulls[p].Linger = 0;
            pulls[p].ReceiveHighWatermark = Hwm;
            endpoints[p] = SoakEndpoints.Bind(pulls[p], s_transports[p], "slow");
        }
        for (int p = 0; p < s_transports.Length; p++)
        {
            int pair = p;
            threads.Add(Workers.Start(run, $"slow-consumer sender {s_transports[pair]}", () =>
            {
                using var push = ctx.CreateSocket(SocketType.Push);
                push.Linger = 0;
                push.SendHighWatermark = Hwm;
                push.Connect(endpoints[pair]);
                var wait = TimeSpan.FromMilliseconds(50);
                long seq = 0;
                while (!stopSending.IsSet)
                {
                    var frame = MessageCodec.Build(pair, seq, Size);
                    if (push.TrySend(ref frame, wait)) Volatile.Write(ref accepted[pair], ++seq);
                    else frame.Dispose();
                }
                // Linger 0 is safe: the socket stays until the receiver has drained everything accepted.
                if (!drained[pair].Wait(TimeSpan.FromSeconds(40))) run.Fail($"{s_transports[pair]}: the receiver did not finish draining within 40 s");
            }));
            threads.Add(Workers.Start(run, $"slow-consumer receiver {s_transports[pair]}", () =>
            {
                var tracker = new SequenceTracker(run);
                var rnd = new Random(pair);
                var wait = TimeSpan.FromMilliseconds(20);
                var pull = pulls[pair];
                while (!stopSending.IsSet && run.FailureCount == 0)
                {
                    var until = DateTime.UtcNow.AddMilliseconds(rnd.Next(100, 400));
                    while (DateTime.UtcNow < until) Receive(pull, tracker, wait);
                    Thread.Sleep(rnd.Next(200, 800)); // the stall itself: this consumer reads nothing meanwhile
                }
                var drainUntil = DateTime.UtcNow.AddSeconds(30);
                while (tracker.Received(pair) < Volatile.Read(ref accepted[pair]) && DateTime.UtcNow < drainUntil)
                    Receive(pull, tracker, wait);
                if (tracker.Received(pair) != Volatile.Read(ref accepted[pair]))
                    run.Fail($"{s_transports[pair]}: {Volatile.Read(ref accepted[pair])} messages accepted by the sender, {tracker.Received(pair)} received (lost)");
                drained[pair].Set();
            }));
        }
        Workers.Until(() => run.TimeUp || run.FailureCount > 0, run.Duration + TimeSpan.FromSeconds(1));
        stopSending.Set();
        Workers.JoinAll(run, threads, TimeSpan.FromSeconds(60));
        foreach (var pull in pulls) pull.Dispose();
        run.Note($"queued bound {QueuedBound / Tolerance.MB:F1} MB ({s_transports.Length} pairs x (SNDHWM {Hwm} + RCVHWM {Hwm}) x {Size} B); heap allowed +{HeapBound / Tolerance.MB:F0} MB, RSS +{RssBound / Tolerance.MB:F0} MB over the start");
    }

    private static void Receive(ZeraSocket pull, SequenceTracker tracker, TimeSpan wait)
    {
        if (!pull.TryReceive(out var frame, wait)) return;
        using (frame) tracker.Accept(frame.Span);
    }

    public override void CheckSamples(ScenarioRun run, Sample before, IReadOnlyList<Sample> samples) =>
        MemoryBound.Check(run, before, samples, HeapBound, RssBound);
}
