using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Interop;

/// <summary>
/// Zera's proxy between real libzmq peers (python3-zmq) on both sides, over tcp and ipc, with the proxy binding and
/// with the peers binding: the Guide's request broker and a streamer.
/// </summary>
public sealed class ProxyInteropTests
{
    public static TheoryData<string, bool> Cases => new()
    {
        { "tcp", true }, { "tcp", false }, { "ipc", true }, { "ipc", false },
    };

    /// <summary>libzmq REQ → Zera ROUTER/DEALER broker → libzmq REP, and the reply back.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RequestReplyBrokerBetweenLibzmqPeers(string transport, bool zeraBinds)
    {
        using var ctx = new Context();
        using var frontend = ctx.CreateSocket(SocketType.Router);
        using var backend = ctx.CreateSocket(SocketType.Dealer);
        frontend.Linger = backend.Linger = 0;
        var plan = OpenPeers(frontend, backend, transport, zeraBinds, ("client", "REQ"), ("worker", "REP"));
        for (int i = 0; i < 3; i++)
        {
            plan.Send("client", [TestFrame.Text($"request {i}")]);
            plan.Receive("worker");
            plan.Send("worker", [TestFrame.Text($"reply {i}")]);
            plan.Receive("client");
        }
        var lines = await RunProxyBetween(plan, frontend, backend, zeraBinds, "client", "worker");
        Assert.Equal(Described("request"), LibzmqPeer.Received(lines, "worker"));
        Assert.Equal(Described("reply"), LibzmqPeer.Received(lines, "client"));
    }

    /// <summary>A plan whose first peer socket meets the proxy's frontend and second its backend, bound by whichever
    /// side <paramref name="zeraBinds"/> says.</summary>
    private static PeerPlan OpenPeers(ZeraSocket frontend, ZeraSocket backend, string transport, bool zeraBinds,
        (string Name, string Type) front, (string Name, string Type) back)
    {
        var plan = new PeerPlan();
        foreach (var (zera, (name, type)) in new[] { (frontend, front), (backend, back) })
        {
            if (zeraBinds) plan.Open(name, type, connect: InteropEndpoints.Bind(zera, transport));
            else plan.Open(name, type, bind: InteropEndpoints.ForBind(transport));
        }
        return plan;
    }

    /// <summary>Starts the peer, connects the proxy's sockets to it when it binds, runs the proxy until the peer is
    /// done, and returns what the peer printed.</summary>
    private static async Task<IReadOnlyList<string>> RunProxyBetween(PeerPlan plan, ZeraSocket frontend, ZeraSocket backend,
        bool zeraBinds, string frontName, string backName)
    {
        using var peer = LibzmqPeer.Start(plan);
        if (!zeraBinds)
        {
            frontend.Connect(peer.WaitForLine($"BOUND {frontName} "));
            backend.Connect(peer.WaitForLine($"BOUND {backName} "));
        }
        using var cts = new CancellationTokenSource();
        var proxy = Task.Run(() => Proxy.Run(frontend, backend, cancellationToken: cts.Token));
        var lines = peer.WaitForSuccess();
        cts.Cancel();
        Assert.True(await Behaviour.Io.CompletesWithin(proxy, Wait.Timeout));
        return lines;
    }

    private static List<string> Described(string word) => [.. Enumerable.Range(0, 3).Select(i => TestFrame.Text($"{word} {i}").Describe())];

    /// <summary>libzmq PUSH → Zera PULL/PUSH streamer → libzmq PULL: a numbered stream arrives whole and in order.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task StreamerBetweenLibzmqPeers(string transport, bool zeraBinds)
    {
        using var ctx = new Context();
        using var frontend = ctx.CreateSocket(SocketType.Pull);
        using var backend = ctx.CreateSocket(SocketType.Push);
        frontend.Linger = backend.Linger = 0;
        var plan = OpenPeers(frontend, backend, transport, zeraBinds, ("source", "PUSH"), ("sink", "PULL"));
        // One peer process sends the whole stream before it reads: the count stays within the queues' high-water marks.
        plan.SendSequence("source", 2_000, 64);
        plan.ReceiveSequence("sink", 2_000, 64);
        var lines = await RunProxyBetween(plan, frontend, backend, zeraBinds, "source", "sink");
        Assert.Contains("SEQ sink OK 2000", lines);
    }
}
