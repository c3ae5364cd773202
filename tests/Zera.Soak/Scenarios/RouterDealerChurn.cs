using System.Text;

namespace Zera.Soak.Scenarios;

/// <summary>
/// router-dealer-churn: a bound ROUTER (tcp, ipc and inproc) echoes requests; DEALERs named from a pool of 16 routing
/// ids connect a batch of 8 at a time over the next transport in turn, send 4 requests, wait for the 4 replies and are
/// disposed. Each batch takes the half of the pool the batch before the last one used, so a name comes back while the
/// ROUTER may still hold its previous owner's connection: the ROUTER runs with ROUTER_HANDOVER, as a server whose
/// clients reconnect under fixed names must. The ROUTER checks that each request came from the name it was sent
/// under; each DEALER that its replies are its own, complete and in order.
/// </summary>
internal sealed class RouterDealerChurn : Scenario
{
    private const int Pool = 16;
    private const int Batch = 8;
    private const int Requests = 4;

    public override string Name => "router-dealer-churn";

    public override string Description => "DEALERs with routing ids reused from a pool of 16 do request/reply with a ROUTER and leave; replies reach the right dealer";

    private static byte[] NameOf(long slot) => Encoding.ASCII.GetBytes($"dealer-{slot:D2}");

    public override void Run(ScenarioRun run)
    {
        run.Cooperative = true;
        using var ctx = new Context();
        var router = ctx.CreateSocket(SocketType.Router);
        router.Linger = 0;
        router.RouterHandover = true;
        string[] endpoints = [.. SoakEndpoints.Transports.Select(t => SoakEndpoints.Bind(router, t, "router"))];
        var stop = new ManualResetEventSlim();
        long served = 0;
        var server = Workers.Start(run, "router-dealer-churn server", () =>
        {
            var wait = TimeSpan.FromMilliseconds(100);
            while (!stop.IsSet)
            {
                if (!router.TryReceiveMultipart(wait, out var parts)) continue;
                if (parts.Count != 2)
                {
                    run.Fail($"ROUTER got a request of {parts.Count} frames, not [routing id, body]");
                    continue;
                }
                if (!MessageCodec.TryRead(parts[1], out long peer, out _, out var problem))
                {
                    run.Fail($"ROUTER got a bad request: {problem}");
                    continue;
                }
                if (!parts[0].AsSpan().SequenceEqual(NameOf(peer % Pool)))
                    run.Fail($"ROUTER: a request of dealer {peer} came under routing id '{Encoding.ASCII.GetString(parts[0])}', not '{Encoding.ASCII.GetString(NameOf(peer % Pool))}'");
                router.SendMultipart(parts);
                Interlocked.Increment(ref served);
            }
        });

        var rnd = new Random(31);
        var dealers = new List<(ZeraSocket Socket, long Id)>(Batch);
        long generation = 0;
        try
        {
            for (int batch = 0; !run.TimeUp && run.FailureCount == 0; batch++)
            {
                run.QuietPoint(() => ScenarioRun.ConnectionsAtMost(0, 0)); // every dealer so far gone and its connection ended
                string endpoint = endpoints[batch % endpoints.Length];
                int half = batch % 2 * Batch;
                for (int i = 0; i < Batch; i++)
                {
                    long id = ++generation * Pool + half + i; // id % Pool is the routing id's slot
                    var dealer = ctx.CreateSocket(SocketType.Dealer);
                    dealer.RoutingId = NameOf(id % Pool);
                    dealer.Linger = 0;
                    dealer.SendTimeout = 10_000;
                    dealer.Connect(endpoint);
                    for (int seq = 0; seq < Requests; seq++)
                    {
                        var frame = MessageCodec.Build(id, seq, MessageCodec.HeaderSize + rnd.Next(512));
                        dealer.Send(ref frame);
                    }
                    dealers.Add((dealer, id));
                }
                foreach (var (dealer, id) in dealers)
                {
                    for (int seq = 0; seq < Requests; seq++)
                    {
                        if (!dealer.TryReceive(out var reply, TimeSpan.FromSeconds(10)))
                        {
                            run.Fail($"dealer {id} ('{Encoding.ASCII.GetString(NameOf(id % Pool))}' over {endpoint.Split(':')[0]}) got {seq} of {Requests} replies within 10 s");
                            break;
                        }
                        using (reply)
                        {
                            if (!MessageCodec.TryRead(reply.Span, out long peer, out long got, out var problem)) run.Fail($"dealer {id}: {problem}");
                            else if (peer != id) run.Fail($"dealer {id} got a reply meant for dealer {peer} (routing id '{Encoding.ASCII.GetString(NameOf(peer % Pool))}')");
                            else if (got != seq) run.Fail($"dealer {id}: reply {got} where {seq} was next (lost, duplicated or reordered)");
                            else run.CountMessage();
                        }
                    }
                }
                foreach (var (dealer, _) in dealers)
                {
                    dealer.Dispose();
                    run.CountPeer();
                }
                dealers.Clear();
            }
        }
        finally
        {
            foreach (var (dealer, _) in dealers) dealer.Dispose();
            stop.Set();
            Workers.JoinAll(run, [server], TimeSpan.FromSeconds(10));
            router.Dispose();
        }
        run.Note($"{run.Peers:N0} dealers under {Pool} routing ids, {Interlocked.Read(ref served):N0} requests served");
    }
}
