namespace Zera.Soak.Scenarios;

/// <summary>
/// peer-churn: one bound PULL (on tcp, ipc and inproc at once) serves short-lived PUSH peers, a batch at a time, each
/// over the next transport in turn: a peer connects, sends 1 to 5 messages of 24 to 1,047 bytes and is disposed at
/// once (its LINGER delivers them). Every message of every peer must arrive exactly once and in order; memory,
/// descriptors and live counts must stay flat; at the end no peer may be incomplete.
/// </summary>
internal sealed class PeerChurn : Scenario
{
    private const int Batch = 10;

    /// <summary>Peers allowed to be incomplete at the receiver before the churn waits for it.</summary>
    private const int MaxBehind = 200;

    public override string Name => "peer-churn";

    public override string Description => "PUSH peers connect to a bound PULL over tcp, ipc and inproc in turn, send 1-5 messages, dispose; exactly once, in order";

    /// <summary>How many messages peer <paramref name="id"/> sends (both sides know it).</summary>
    private static int MessagesOf(long id) => 1 + (int)(id % 5);

    public override void Run(ScenarioRun run)
    {
        run.Cooperative = true;
        using var ctx = new Context();
        var pull = ctx.CreateSocket(SocketType.Pull);
        pull.Linger = 0;
        string[] endpoints = [.. SoakEndpoints.Transports.Select(t => SoakEndpoints.Bind(pull, t, "churn"))];
        long started = 0, completed = 0;
        var stop = new ManualResetEventSlim();
        var tracker = new SequenceTracker(run);
        var receiver = Workers.Start(run, "peer-churn receiver", () =>
        {
            var wait = TimeSpan.FromMilliseconds(100);
            while (!stop.IsSet || Volatile.Read(ref completed) < Volatile.Read(ref started))
            {
                if (!pull.TryReceive(out var frame, wait)) continue;
                using (frame)
                {
                    if (!tracker.Accept(frame.Span, out long peer, out _)) continue;
                    if (tracker.Received(peer) == MessagesOf(peer))
                    {
                        tracker.Forget(peer);
                        Interlocked.Increment(ref completed);
                    }
                }
            }
        });

        var rnd = new Random(8);
        var peers = new List<ZeraSocket>(Batch);
        long nextId = 0;
        for (int batch = 0; !run.TimeUp && run.FailureCount == 0; batch++)
        {
            if (!Workers.Until(() => Volatile.Read(ref started) - Volatile.Read(ref completed) <= MaxBehind, TimeSpan.FromSeconds(30)))
            {
                run.Fail($"the receiver fell {Volatile.Read(ref started) - Volatile.Read(ref completed)} peers behind for 30 s (messages not arriving)");
                break;
            }
            // Quiet point: every peer so far received and its connection ended.
            run.QuietPoint(() => Volatile.Read(ref completed) >= Volatile.Read(ref started) && ScenarioRun.ConnectionsAtMost(0, 0));
            string endpoint = endpoints[batch % endpoints.Length];
            for (int i = 0; i < Batch; i++)
            {
                long id = nextId++;
                var push = ctx.CreateSocket(SocketType.Push);
                push.Linger = 30_000;
                push.SendTimeout = 10_000;
                push.Connect(endpoint);
                Interlocked.Increment(ref started);
                for (int seq = 0; seq < MessagesOf(id); seq++)
                {
                    var frame = MessageCodec.Build(id, seq, MessageCodec.HeaderSize + rnd.Next(1024));
                    push.Send(ref frame);
                }
                peers.Add(push);
            }
            foreach (var p in peers)
            {
                p.Dispose();
                run.CountPeer();
            }
            peers.Clear();
        }

        if (!Workers.Until(() => Volatile.Read(ref completed) >= Volatile.Read(ref started), TimeSpan.FromSeconds(30)))
            run.Fail($"{Volatile.Read(ref started) - Volatile.Read(ref completed)} of {Volatile.Read(ref started)} peers incomplete 30 s after the churn stopped (messages lost); {tracker.PeerCount} of them partly received");
        stop.Set();
        Workers.JoinAll(run, [receiver], TimeSpan.FromSeconds(10));
        pull.Dispose();
        run.Note($"{Volatile.Read(ref started):N0} peers over {string.Join(", ", endpoints.Select(e => e.Split(':')[0]))} in turn, {Batch} at a time");
    }
}
