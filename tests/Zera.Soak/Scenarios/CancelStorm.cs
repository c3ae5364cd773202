namespace Zera.Soak.Scenarios;

/// <summary>
/// cancel-storm: three PUSH/PULL pairs (tcp, ipc, inproc); each sender sends bursts of 1-8 messages with 1-2 ms
/// gaps after half of them, and each receiver calls <see cref="ZeraSocket.ReceiveAsync"/> with a token cancelled at a random
/// point: before the call, right after it, after 0-2 ms, from another thread while it waits, or not at all. A
/// cancelled receive must take no message: every message must arrive exactly once, in order, and nothing may be left
/// of the cancelled waits (heap and timers flat).
/// </summary>
internal sealed class CancelStorm : Scenario
{
    private static readonly string[] s_transports = SoakEndpoints.Transports;

    public override string Name => "cancel-storm";

    public override string Description => "async receives cancelled at random points while senders send (tcp, ipc, inproc); none lost, none twice";

    public override void Run(ScenarioRun run)
    {
        using var ctx = new Context();
        var stopSending = new ManualResetEventSlim();
        var accepted = new long[s_transports.Length];
        var drained = s_transports.Select(_ => new ManualResetEventSlim()).ToArray();
        long cancelled = 0, completed = 0;
        var threads = new List<Thread>();
        for (int p = 0; p < s_transports.Length; p++)
        {
            int pair = p;
            var pull = ctx.CreateSocket(SocketType.Pull);
            pull.Linger = 0;
            string endpoint = SoakEndpoints.Bind(pull, s_transports[pair], "cancel");
            threads.Add(Workers.Start(run, $"cancel-storm sender {s_transports[pair]}", () =>
            {
                using var push = ctx.CreateSocket(SocketType.Push);
                push.Linger = 0;
                push.Connect(endpoint);
                var rnd = new Random(100 + pair);
                var wait = TimeSpan.FromMilliseconds(50);
                long seq = 0;
                while (!stopSending.IsSet)
                {
                    int burst = rnd.Next(1, 9);
                    for (int i = 0; i < burst; i++)
                    {
                        var frame = MessageCodec.Build(pair, seq, MessageCodec.HeaderSize + rnd.Next(128));
                        if (push.TrySend(ref frame, wait)) Volatile.Write(ref accepted[pair], ++seq);
                        else frame.Dispose();
                    }
                    if (rnd.Next(2) == 0) Thread.Sleep(rnd.Next(1, 3)); // a gap, so that receives wait and get cancelled
                }
                if (!drained[pair].Wait(TimeSpan.FromSeconds(40))) run.Fail($"{s_transports[pair]}: the receiver did not finish draining within 40 s");
            }));
            threads.Add(Workers.Start(run, $"cancel-storm receiver {s_transports[pair]}", () =>
            {
                var (c, d) = ReceiveAsync(run, pull, pair, stopSending, () => Volatile.Read(ref accepted[pair])).GetAwaiter().GetResult();
                Interlocked.Add(ref cancelled, c);
                Interlocked.Add(ref completed, d);
                drained[pair].Set();
                pull.Dispose();
            }));
        }
        Workers.Until(() => run.TimeUp || run.FailureCount > 0, run.Duration + TimeSpan.FromSeconds(1));
        stopSending.Set();
        Workers.JoinAll(run, threads, TimeSpan.FromSeconds(60));
        run.Note($"{Interlocked.Read(ref cancelled):N0} receives cancelled, {Interlocked.Read(ref completed):N0} completed");
    }

    /// <summary>The receiver: random cancellation until told to stop, then on until every accepted message arrived.</summary>
    private static async Task<(long Cancelled, long Completed)> ReceiveAsync(ScenarioRun run, ZeraSocket pull, int pair, ManualResetEventSlim stop, Func<long> accepted)
    {
        var tracker = new SequenceTracker(run);
        var rnd = new Random(200 + pair);
        long cancelled = 0, completed = 0;
        DateTime? drainUntil = null;
        while (run.FailureCount == 0)
        {
            if (stop.IsSet)
            {
                drainUntil ??= DateTime.UtcNow.AddSeconds(30);
                if (tracker.Received(pair) >= accepted()) break;
                if (DateTime.UtcNow > drainUntil)
                {
                    run.Fail($"{s_transports[pair]}: {accepted()} messages accepted by the sender, {tracker.Received(pair)} received within 30 s (lost)");
                    break;
                }
            }
            using var cts = new CancellationTokenSource();
            int mode = rnd.Next(5);
            Task? canceller = null;
            switch (mode)
            {
                case 0: cts.Cancel(); break;                                   // cancelled before the call
                case 2: cts.CancelAfter(rnd.Next(0, 3)); break;               // after 0-2 ms
                case 3:                                                        // from another thread, at a random moment
                    int spins = rnd.Next(0, 20_000);
                    canceller = Task.Run(() => { Thread.SpinWait(spins); cts.Cancel(); });
                    break;
                case 4: cts.CancelAfter(TimeSpan.FromSeconds(2)); break;      // not at all, unless nothing comes
            }
            try
            {
                var pending = pull.ReceiveAsync(cts.Token);
                if (mode == 1) cts.Cancel();                                  // right after the call
                using var frame = await pending.ConfigureAwait(false);
                tracker.Accept(frame.Span);
                completed++;
            }
            catch (OperationCanceledException)
            {
                cancelled++;
            }
            if (canceller != null) await canceller.ConfigureAwait(false);
        }
        return (cancelled, completed);
    }
}
