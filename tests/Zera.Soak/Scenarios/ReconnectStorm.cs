namespace Zera.Soak.Scenarios;

/// <summary>
/// reconnect-storm: four connecting PUSH sockets (two over tcp, two over ipc) keep sending while the bound PULL is
/// disposed and bound again on the same endpoints, every second (short mode: every 0.4 s). Each cycle: the PULL
/// receives for the cycle's time; the senders pause; the PULL drains until it has every message the senders' queues
/// accepted; the PULL is disposed; once each sender has seen its connection drop (monitor DISCONNECTED) they resume,
/// queueing up to their high-water mark while nothing listens; after a pause the PULL binds again, the senders
/// reconnect and flush their queues. Every message a send accepted must arrive exactly once, in order.
/// </summary>
/// <remarks>ZeroMQ does not promise the delivery of a message in flight on a connection at the moment its peer
/// closes (libzmq drops it too), and a PULL disposed with unread messages drops them: the pause and the drain keep the
/// scenario out of both cases, so it can require no loss at all of what was queued on the connecting side.</remarks>
internal sealed class ReconnectStorm : Scenario
{
    private const int Senders = 4;

    public override string Name => "reconnect-storm";

    public override string Description => "the bound PULL restarts on the same tcp and ipc endpoints every second while 4 PUSH senders queue; no accepted message lost";

    /// <summary>One connecting sender and the flags the cycle coordinates it with.</summary>
    private sealed class Sender
    {
        public required long Id;
        public required string Endpoint;
        public long Accepted;        // messages its sends accepted (the next sequence number)
        public long Disconnects;     // DISCONNECTED events its monitor saw
        public volatile bool PauseRequested;
        public volatile bool Done;
        public readonly ManualResetEventSlim Paused = new();
        public readonly ManualResetEventSlim Resume = new();
    }

    public override void Run(ScenarioRun run)
    {
        run.Cooperative = true;
        int cycleMs = run.IsShort ? 400 : 1000, downMs = run.IsShort ? 100 : 250;
        using var ctx = new Context();
        // The first PULL picks the tcp port; every later one binds the same endpoints.
        var pull = NewPull(ctx);
        pull.Bind(SoakEndpoints.ForBind("tcp", "storm"));
        string tcp = pull.LastEndpoint!;
        string ipc = SoakEndpoints.ForBind("ipc", "storm");
        pull.Bind(ipc);
        var senders = Enumerable.Range(0, Senders).Select(i => new Sender { Id = i, Endpoint = i % 2 == 0 ? tcp : ipc }).ToArray();
        var threads = senders.Select(s => Workers.Start(run, $"reconnect-storm sender {s.Id}", () => Send(ctx, s, run))).ToList();
        var tracker = new SequenceTracker(run);
        var wait = TimeSpan.FromMilliseconds(20);
        long queuedWhileDown = 0;
        try
        {
            for (int cycle = 0; ; cycle++)
            {
                var until = DateTime.UtcNow.AddMilliseconds(cycleMs);
                while (DateTime.UtcNow < until) Receive(pull, tracker, wait);

                foreach (var s in senders) s.PauseRequested = true;
                foreach (var s in senders)
                {
                    if (!s.Paused.Wait(TimeSpan.FromSeconds(10)))
                    {
                        run.Fail($"sender {s.Id} did not pause within 10 s (a send hung)");
                        return;
                    }
                }
                // Drain: everything every sender's queue accepted must reach this PULL before it goes.
                var drainUntil = DateTime.UtcNow.AddSeconds(30);
                while (senders.Any(s => tracker.Received(s.Id) < Volatile.Read(ref s.Accepted)) && DateTime.UtcNow < drainUntil)
                    Receive(pull, tracker, wait);
                foreach (var s in senders.Where(s => tracker.Received(s.Id) < Volatile.Read(ref s.Accepted)))
                    run.Fail($"cycle {cycle}: sender {s.Id} ({s.Endpoint.Split(':')[0]}) had {Volatile.Read(ref s.Accepted)} messages accepted, {tracker.Received(s.Id)} arrived within 30 s (lost)");
                if (run.TimeUp || run.FailureCount > 0) break;
                // Quiet point: senders paused, everything delivered, one connection per sender (both ends of each).
                run.QuietPoint(() => ScenarioRun.ConnectionsAtMost(2 * Senders, 2 * Senders));

                var seen = senders.Select(s => Volatile.Read(ref s.Disconnects)).ToArray();
                pull.Dispose();
                run.CountPeer();
                for (int i = 0; i < Senders; i++)
                {
                    var s = senders[i];
                    if (!Workers.Until(() => Volatile.Read(ref s.Disconnects) > seen[i], TimeSpan.FromSeconds(10)))
                        run.Fail($"cycle {cycle}: sender {s.Id} saw no DISCONNECTED within 10 s of the PULL's disposal");
                }
                long before = senders.Sum(s => Volatile.Read(ref s.Accepted));
                foreach (var s in senders)
                {
                    s.PauseRequested = false;
                    s.Paused.Reset();
                    s.Resume.Set();
                }
                Thread.Sleep(downMs); // the bound side stays down while the senders queue (the scenario's shape, not a wait for something)
                queuedWhileDown += senders.Sum(s => Volatile.Read(ref s.Accepted)) - before;

                pull = NewPull(ctx);
                if (!BindAgain(pull, tcp, run) || !BindAgain(pull, ipc, run)) break;
            }
        }
        finally
        {
            foreach (var s in senders)
            {
                s.Done = true;
                s.Resume.Set();
            }
            Workers.JoinAll(run, threads, TimeSpan.FromSeconds(30));
            pull.Dispose();
        }
        run.Note($"{run.Peers:N0} restarts of the bound side; {queuedWhileDown:N0} messages accepted by the senders while it was down, all delivered after reconnecting");
    }

    private static ZeraSocket NewPull(Context ctx)
    {
        var pull = ctx.CreateSocket(SocketType.Pull);
        pull.Linger = 0;
        return pull;
    }

    /// <summary>Binds the endpoint of the previous PULL again; the operating system may hold a tcp port for a moment
    /// after its listener closes, so a refused bind is retried (and counted) for up to 10 s.</summary>
    private static bool BindAgain(ZeraSocket pull, string endpoint, ScenarioRun run)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                pull.Bind(endpoint);
                return true;
            }
            catch (ZeraException e) when (DateTime.UtcNow < until)
            {
                run.Note($"bind {endpoint} refused once ({e.Message}); retried");
                Thread.Sleep(50); // the retry interval of a poll with a deadline: the port is not free again yet
            }
            catch (ZeraException e)
            {
                run.Fail($"could not bind {endpoint} again within 10 s: {e.Message}");
                return false;
            }
        }
    }

    private static void Receive(ZeraSocket pull, SequenceTracker tracker, TimeSpan wait)
    {
        if (!pull.TryReceive(out var frame, wait)) return;
        using (frame) tracker.Accept(frame.Span);
    }

    /// <summary>A sender's thread: sends numbered messages (about 10,000 a second at most), pausing when asked.</summary>
    private static void Send(Context ctx, Sender s, ScenarioRun run)
    {
        using var push = ctx.CreateSocket(SocketType.Push);
        push.Linger = 0;
        using var stopMonitor = new CancellationTokenSource();
        var monitor = CountDisconnects(push, s, stopMonitor.Token);
        push.Connect(s.Endpoint);
        var rnd = new Random((int)s.Id);
        var wait = TimeSpan.FromMilliseconds(20);
        long seq = 0;
        while (!s.Done)
        {
            if (s.PauseRequested)
            {
                s.Resume.Reset();
                s.Paused.Set();
                while (!s.Done && !s.Resume.Wait(TimeSpan.FromMilliseconds(100)))
                {
                }
                continue;
            }
            var frame = MessageCodec.Build(s.Id, seq, MessageCodec.HeaderSize + rnd.Next(200));
            if (push.TrySend(ref frame, wait)) Volatile.Write(ref s.Accepted, ++seq);
            else frame.Dispose(); // the queue is full (the bound side is down): not accepted, so not owed
            if (seq % 16 == 0) Thread.Sleep(1); // pacing, to leave CPU for the rest
        }
        push.Dispose();
        stopMonitor.Cancel();
        if (!monitor.Wait(TimeSpan.FromSeconds(10))) run.Fail($"sender {s.Id}: its monitor did not end within 10 s of the socket's disposal");
    }

    private static Task CountDisconnects(ZeraSocket push, Sender s, CancellationToken stop)
    {
        var events = push.MonitorAsync(SocketEventKind.Disconnected, stop).GetAsyncEnumerator(stop);
        var first = events.MoveNextAsync(); // the monitor is registered once this returns
        return Pump(events, first, s);

        static async Task Pump(IAsyncEnumerator<SocketEvent> events, ValueTask<bool> first, Sender s)
        {
            try
            {
                for (var next = first; await next.ConfigureAwait(false); next = events.MoveNextAsync())
                    Interlocked.Increment(ref s.Disconnects);
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
            finally
            {
                await events.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
