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
        var plan = new PeerPlan();
        if (zeraBinds)
        {
            plan.Open("client", "REQ", connect: InteropEndpoints.Bind(frontend, transport));
            plan.Open("worker", "REP", connect: InteropEndpoints.Bind(backend, transport));
        }
        else
        {
            plan.Open("client", "REQ", bind: InteropEndpoints.ForBind(transport));
            plan.Open("worker", "REP", bind: InteropEndpoints.ForBind(transport));
        }
        for (int i = 0; i < 3; i++)
        {
            plan.Send("client", [TestFrame.Text($"request {i}")]);
            plan.Receive("worker");
            plan.Send("worker", [TestFrame.Text($"reply {i}")]);
            plan.Receive("client");
        }
        using var peer = LibzmqPeer.Start(plan);
        if (!zeraBinds)
        {
            frontend.Connect(peer.WaitForLine("BOUND client "));
            backend.Connect(peer.WaitForLine("BOUND worker "));
        }
        using var cts = new CancellationTokenSource();
        var proxy = Task.Run(() => Proxy.Run(frontend, backend, cancellationToken: cts.Token));
        var lines = peer.WaitForSuccess();
        cts.Cancel();
        Assert.True(await Behaviour.Io.CompletesWithin(proxy, Wait.Timeout));
        Assert.Equal(Described("request"), LibzmqPeer.Received(lines, "worker"));
        Assert.Equal(Described("reply"), LibzmqPeer.Received(lines, "client"));
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
        var plan = new PeerPlan();
        if (zeraBinds)
        {
            plan.Open("source", "PUSH", connect: InteropEndpoints.Bind(frontend, transport));
            plan.Open("sink", "PULL", connect: InteropEndpoints.Bind(backend, transport));
        }
        else
        {
            plan.Open("source", "PUSH", bind: InteropEndpoints.ForBind(transport));
            plan.Open("sink", "PULL", bind: InteropEndpoints.ForBind(transport));
        }
        // One peer process sends the whole stream before it reads: the count stays within the queues' high-water marks.
        plan.SendSequence("source", 2_000, 64);
        plan.ReceiveSequence("sink", 2_000, 64);
        using var peer = LibzmqPeer.Start(plan);
        if (!zeraBinds)
        {
            frontend.Connect(peer.WaitForLine("BOUND source "));
            backend.Connect(peer.WaitForLine("BOUND sink "));
        }
        using var cts = new CancellationTokenSource();
        var proxy = Task.Run(() => Proxy.Run(frontend, backend, cancellationToken: cts.Token));
        var lines = peer.WaitForSuccess();
        cts.Cancel();
        Assert.True(await Behaviour.Io.CompletesWithin(proxy, Wait.Timeout));
        Assert.Contains("SEQ sink OK 2000", lines);
    }
}
