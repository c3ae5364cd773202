namespace Zera.Soak.Scenarios;

/// <summary>
/// context-churn: contexts are created and disposed over and over, each with sockets and messages still lingering
/// when it goes, in three shapes taken in turn:
/// <list type="number">
/// <item>inside: a PULL bound and a PUSH connected in the new context (tcp, ipc, inproc in turn); 8 messages sent, the
/// PUSH disposed at once, the PULL receives all 8 (delivered by the linger), then the PULL and the context go;</item>
/// <item>outward: a PUSH in the new context connects to a long-lived PULL (tcp or ipc), sends 8 messages and is
/// disposed, and the context is disposed at once: its disposal waits for the linger, and the long-lived PULL must get
/// all 8;</item>
/// <item>abandoned: as inside, but the PULL reads one message and is disposed with the rest unread and the PUSH has
/// LINGER 0: ZeroMQ drops those messages by definition, so only the resources are checked.</item>
/// </list>
/// Each context's disposal must end within 30 s. Threads, descriptors, timers and live counts must come back.
/// </summary>
internal sealed class ContextChurn : Scenario
{
    private const int PerContext = 8;

    public override string Name => "context-churn";

    public override string Description => "contexts with bound and connected sockets and lingering messages created and disposed; nothing left behind";

    public override void Run(ScenarioRun run)
    {
        run.Cooperative = true;
        using var outer = new Context();
        var sink = outer.CreateSocket(SocketType.Pull);
        sink.Linger = 0;
        string[] outward = [SoakEndpoints.Bind(sink, "tcp", "ctx-sink"), SoakEndpoints.Bind(sink, "ipc", "ctx-sink")];
        long outwardSent = 0;
        var stop = new ManualResetEventSlim();
        var sinkTracker = new SequenceTracker(run);
        long sinkDone = 0;
        var receiver = Workers.Start(run, "context-churn sink", () =>
        {
            var wait = TimeSpan.FromMilliseconds(100);
            while (!stop.IsSet || Volatile.Read(ref sinkDone) < Volatile.Read(ref outwardSent))
            {
                if (!sink.TryReceive(out var frame, wait)) continue;
                using (frame)
                {
                    if (sinkTracker.Accept(frame.Span, out long peer, out _) && sinkTracker.Received(peer) == PerContext)
                    {
                        sinkTracker.Forget(peer);
                        Interlocked.Increment(ref sinkDone);
                    }
                }
            }
        });

        var rnd = new Random(5);
        int shapes = 0;
        for (long i = 0; !run.TimeUp && run.FailureCount == 0; i++)
        {
            run.QuietPoint(() => Volatile.Read(ref sinkDone) >= Volatile.Read(ref outwardSent) && ScenarioRun.ConnectionsAtMost(0, 0));
            var ctx = new Context();
            try
            {
                switch (i % 3)
                {
                    case 0:
                        Inside(ctx, run, i, SoakEndpoints.Transports[(int)(i / 3 % 3)], rnd);
                        break;
                    case 1:
                        Interlocked.Increment(ref outwardSent);
                        Outward(ctx, i, outward[(int)(i / 3 % 2)], rnd);
                        break;
                    default:
                        Abandoned(ctx, run, i, SoakEndpoints.Transports[(int)(i / 3 % 3)]);
                        break;
                }
            }
            finally
            {
                // A context whose disposal never ends is the hang this scenario looks for.
                var disposal = ctx.DisposeAsync().AsTask();
                if (!disposal.Wait(TimeSpan.FromSeconds(30))) run.Fail($"context {i} (shape {i % 3}) was not disposed within 30 s");
            }
            run.CountPeer();
            shapes++;
        }
        if (!Workers.Until(() => Volatile.Read(ref sinkDone) >= Volatile.Read(ref outwardSent), TimeSpan.FromSeconds(30)))
            run.Fail($"{Volatile.Read(ref outwardSent) - Volatile.Read(ref sinkDone)} of {Volatile.Read(ref outwardSent)} outward contexts' messages incomplete at the long-lived PULL (lost in the linger)");
        stop.Set();
        Workers.JoinAll(run, [receiver], TimeSpan.FromSeconds(10));
        sink.Dispose();
        run.Note($"{shapes:N0} contexts: inside, outward ({Volatile.Read(ref outwardSent):N0}, each {PerContext} messages delivered by the linger of a disposed context) and abandoned (unread messages dropped, as ZeroMQ allows) in turn");
    }

    private static void Inside(Context ctx, ScenarioRun run, long id, string transport, Random rnd)
    {
        using var pull = ctx.CreateSocket(SocketType.Pull);
        pull.Linger = 0;
        string endpoint = SoakEndpoints.Bind(pull, transport, "ctx");
        using (var push = ctx.CreateSocket(SocketType.Push))
        {
            push.Linger = 10_000;
            push.SendTimeout = 10_000;
            push.Connect(endpoint);
            for (int seq = 0; seq < PerContext; seq++)
            {
                var frame = MessageCodec.Build(id, seq, MessageCodec.HeaderSize + rnd.Next(256));
                push.Send(ref frame);
            }
        } // disposed with its messages possibly still queued: the linger delivers them
        var tracker = new SequenceTracker(run);
        for (int seq = 0; seq < PerContext; seq++)
        {
            if (!pull.TryReceive(out var frame, TimeSpan.FromSeconds(10)))
            {
                run.Fail($"context {id} ({transport}): {seq} of {PerContext} messages arrived within 10 s after the PUSH was disposed");
                return;
            }
            using (frame) tracker.Accept(frame.Span);
        }
    }

    private static void Outward(Context ctx, long id, string endpoint, Random rnd)
    {
        using var push = ctx.CreateSocket(SocketType.Push);
        push.Linger = 10_000;
        push.SendTimeout = 10_000;
        push.Connect(endpoint);
        for (int seq = 0; seq < PerContext; seq++)
        {
            var frame = MessageCodec.Build(id, seq, MessageCodec.HeaderSize + rnd.Next(256));
            push.Send(ref frame);
        }
    }

    private static void Abandoned(Context ctx, ScenarioRun run, long id, string transport)
    {
        using var pull = ctx.CreateSocket(SocketType.Pull);
        pull.Linger = 0;
        string endpoint = SoakEndpoints.Bind(pull, transport, "ctx-abandon");
        using var push = ctx.CreateSocket(SocketType.Push);
        push.Linger = 0;
        push.SendTimeout = 10_000;
        push.Connect(endpoint);
        for (int seq = 0; seq < PerContext; seq++)
        {
            var frame = MessageCodec.Build(id, seq, 1024);
            push.Send(ref frame);
        }
        if (!pull.TryReceive(out var first, TimeSpan.FromSeconds(10)))
        {
            run.Fail($"context {id} ({transport}, abandoned shape): no message within 10 s");
            return;
        }
        using (first)
        {
            if (!MessageCodec.TryRead(first.Span, out _, out _, out var problem)) run.Fail($"context {id}: {problem}");
        }
    }
}
