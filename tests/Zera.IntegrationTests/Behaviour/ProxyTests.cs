using System.Buffers.Binary;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>The proxy and the steerable proxy (libzmq's test_proxy, test_proxy_steerable, test_proxy_terminate):
/// the Guide's request broker, forwarder and streamer, the capture socket, control commands, and every way a proxy
/// ends.</summary>
public class ProxyTests
{
    private static async Task<T> Within<T>(Task<T> task)
    {
        Assert.True(await Io.CompletesWithin(task, Wait.Timeout), "the proxy did not end in time");
        return await task;
    }

    /// <summary>A proxy's thread sleeps at once between bursts (a spin there took its I/O threads' cores); a poller
    /// of the application's own keeps the short spin that catches a quick reply without a wake-up.</summary>
    [Fact]
    public void TheProxysPollerSleepsWithoutSpinningAndOthersSpinFirst()
    {
        using var scope = new Scope();
        var frontend = scope.Bound(SocketType.Pull, "inproc", out _);
        var backend = scope.Bound(SocketType.Push, "inproc", out _);
        using var run = new ProxyRun(frontend, backend, capture: null, control: null);
        Assert.False(run.Poller.SpinsBeforeSleeping);
        using var own = new Poller();
        Assert.True(own.SpinsBeforeSleeping);
    }

    /// <summary>The Guide's rrbroker: REQ clients, ROUTER frontend, DEALER backend, REP workers; every request gets
    /// its own reply through the broker.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public async Task RequestReplyBroker(string transport)
    {
        using var scope = new Scope();
        var frontend = scope.Bound(SocketType.Router, transport, out var frontEp);
        var backend = scope.Bound(SocketType.Dealer, transport, out var backEp);
        using var cts = new CancellationTokenSource();
        var proxy = Task.Run(() => Proxy.Run(frontend, backend, cancellationToken: cts.Token));

        var workers = Enumerable.Range(0, 2).Select(_ => scope.Connected(SocketType.Rep, backEp)).ToArray();
        var clients = Enumerable.Range(0, 3).Select(_ => scope.Connected(SocketType.Req, frontEp)).ToArray();
        var serving = workers.Select((w, i) => Task.Run(() =>
        {
            while (w.TryReceiveMultipart(TimeSpan.FromSeconds(1), out var request))
                w.Send($"{System.Text.Encoding.UTF8.GetString(request[0])} served by {i}");
        })).ToArray();
        for (int round = 0; round < 20; round++)
        {
            for (int c = 0; c < clients.Length; c++) Io.Send(clients[c], $"c{c}r{round}");
            for (int c = 0; c < clients.Length; c++)
                Assert.StartsWith($"c{c}r{round} served by ", Io.Receive(clients[c])[0]);
        }
        cts.Cancel();
        var stats = await Within(proxy);
        Assert.Equal(60UL * 3, stats.FrontendReceivedFrames); // routing id, delimiter, body per request
        Assert.Equal(60UL * 3, stats.BackendSentFrames);
        Assert.Equal(60UL * 3, stats.BackendReceivedFrames);
        Assert.Equal(60UL * 3, stats.FrontendSentFrames);
        await Task.WhenAll(serving).WaitAsync(Wait.Timeout);
    }

    /// <summary>The Guide's wuproxy: XSUB frontend, XPUB backend; subscriptions go upstream through the proxy, and
    /// only what a subscriber asked for comes down.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public async Task PubSubForwarder(string transport)
    {
        using var scope = new Scope();
        var publisher = scope.Bound(SocketType.Pub, transport, out var pubEp);
        var frontend = scope.Connected(SocketType.XSub, pubEp);
        var backend = scope.Bound(SocketType.XPub, transport, out var backEp);
        using var cts = new CancellationTokenSource();
        var proxy = Task.Run(() => Proxy.Run(frontend, backend, cancellationToken: cts.Token));

        var subscriber = scope.Make(SocketType.Sub);
        subscriber.Subscribe("weather");
        subscriber.Connect(backEp);
        // The subscription takes a moment to cross the proxy: publish until it gets through.
        Wait.Until(() =>
        {
            publisher.Send("weather sync");
            return subscriber.TryReceive(out var f, TimeSpan.FromMilliseconds(20)) && DisposeTrue(f);
        }, "the subscription to cross the proxy");
        while (subscriber.TryReceive(out var late, TimeSpan.FromMilliseconds(50))) late.Dispose();
        publisher.Send("sports 1");
        publisher.SendMultipart("weather", "sunny");
        Io.Expect(subscriber, "weather", "sunny");
        Io.ExpectNothing(subscriber);
        cts.Cancel();
        var stats = await Within(proxy);
        Assert.True(stats.BackendReceivedFrames >= 1, "the subscription came up through the backend");
    }

    /// <summary>A PULL-PUSH streamer with a capture socket: every message goes through whole and in order, and the
    /// capture gets each frame with its More flag.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public async Task StreamerWithCapture(string transport)
    {
        using var scope = new Scope();
        var frontend = scope.Bound(SocketType.Pull, transport, out var frontEp);
        var backend = scope.Bound(SocketType.Push, transport, out var backEp);
        var capture = scope.Make(SocketType.Push);
        capture.Bind("inproc://capture-" + transport);
        var captured = scope.Connected(SocketType.Pull, "inproc://capture-" + transport);
        using var cts = new CancellationTokenSource();
        var proxy = Task.Run(() => Proxy.Run(frontend, backend, capture, cancellationToken: cts.Token));

        var source = scope.Connected(SocketType.Push, frontEp);
        var sink = scope.Connected(SocketType.Pull, backEp);
        const int Count = 2000;
        var sending = Task.Run(() =>
        {
            for (int i = 0; i < Count; i++) Io.Send(source, $"{i}", "body");
        });
        for (int i = 0; i < Count; i++) Io.Expect(sink, $"{i}", "body");
        for (int i = 0; i < Count; i++)
        {
            using var first = captured.Receive();
            Assert.True(first.More);
            Assert.Equal($"{i}", first.GetString());
            using var second = captured.Receive();
            Assert.False(second.More);
        }
        await sending.WaitAsync(Wait.Timeout);
        cts.Cancel();
        var stats = await Within(proxy);
        Assert.Equal(2UL * Count, stats.FrontendReceivedFrames);
        Assert.Equal(2UL * Count, stats.BackendSentFrames);
        Assert.Equal(0UL, stats.BackendReceivedFrames);
    }

    /// <summary>Steering: PAUSE holds messages back, RESUME lets them go, STATISTICS answers libzmq's eight counters,
    /// TERMINATE ends the proxy. The control socket here is a REQ talking to a REP control, which gets an empty
    /// reply to every command but STATISTICS (as libzmq).</summary>
    [Fact]
    public async Task ControlledByPauseResumeStatisticsTerminate()
    {
        using var scope = new Scope();
        var frontend = scope.Bound(SocketType.Pull, "inproc", out var frontEp);
        var backend = scope.Bound(SocketType.Push, "inproc", out var backEp);
        var control = scope.Bound(SocketType.Rep, "inproc", out var controlEp);
        var steer = scope.Connected(SocketType.Req, controlEp);
        var proxy = Task.Run(() => Proxy.Run(frontend, backend, control: control));
        var source = scope.Connected(SocketType.Push, frontEp);
        var sink = scope.Connected(SocketType.Pull, backEp);

        Io.Send(source, "before pause");
        Io.Expect(sink, "before pause");
        Io.Send(steer, "PAUSE");
        Assert.Equal([""], Io.Receive(steer));
        Io.Send(source, "while paused");
        Io.ExpectNothing(sink);
        Io.Send(steer, "RESUME");
        Assert.Equal([""], Io.Receive(steer));
        if (!sink.TryReceive(out var resumed, Io.Long)) Assert.Fail($"nothing after RESUME; proxy {proxy.Status} {proxy.Exception}");
        Assert.Equal("while paused", resumed.GetString());
        resumed.Dispose();

        Io.Send(steer, "STATISTICS");
        var stats = Io.ReceiveBytes(steer);
        Assert.Equal(8, stats.Count);
        Assert.All(stats, f => Assert.Equal(8, f.Length));
        var values = stats.Select(f => BinaryPrimitives.ReadUInt64LittleEndian(f)).ToArray();
        ulong bytes = (ulong)("before pause".Length + "while paused".Length);
        Assert.Equal([2UL, bytes, 0UL, 0UL, 0UL, 0UL, 2UL, bytes], values);

        Io.Send(steer, "TERMINATE");
        var final = await Within(proxy);
        Assert.Equal([""], Io.Receive(steer));
        Assert.Equal(2UL, final.BackendSentFrames);
    }

    /// <summary>The async form with a PAIR control socket (no replies but STATISTICS).</summary>
    [Fact]
    public async Task AsyncProxyEndsOnTerminate()
    {
        using var scope = new Scope();
        var frontend = scope.Bound(SocketType.Pull, "tcp", out var frontEp);
        var backend = scope.Bound(SocketType.Push, "tcp", out var backEp);
        var control = scope.Bound(SocketType.Pair, "inproc", out var controlEp);
        var steer = scope.Connected(SocketType.Pair, controlEp);
        var proxy = Proxy.RunAsync(frontend, backend, control: control);
        var source = scope.Connected(SocketType.Push, frontEp);
        var sink = scope.Connected(SocketType.Pull, backEp);
        for (int i = 0; i < 100; i++) Io.Send(source, $"{i}");
        for (int i = 0; i < 100; i++) Io.Expect(sink, $"{i}");
        Io.Send(steer, "TERMINATE");
        var stats = await Within(proxy);
        Assert.Equal(100UL, stats.FrontendReceivedFrames);
    }

    /// <summary>Terminating the context ends a running proxy (zmq_proxy returns on ETERM).</summary>
    [Fact]
    public async Task ContextTerminationEndsTheProxy()
    {
        var context = new Context();
        var frontend = context.CreateSocket(SocketType.Router);
        var backend = context.CreateSocket(SocketType.Dealer);
        frontend.Linger = backend.Linger = 0;
        frontend.Bind("inproc://term-front");
        backend.Bind("inproc://term-back");
        var proxy = Task.Run(() => Proxy.Run(frontend, backend));
        var terminating = Task.Run(context.Dispose);
        await Within(proxy);
        frontend.Dispose();
        backend.Dispose();
        Assert.True(await Io.CompletesWithin(terminating, Wait.Timeout));
    }

    /// <summary>A backend with no peer (a DEALER before any worker) holds messages back instead of losing them;
    /// they flow once a worker connects.</summary>
    [Fact]
    public async Task MessagesWaitForABackendPeer()
    {
        using var scope = new Scope();
        var frontend = scope.Bound(SocketType.Pull, "inproc", out var frontEp);
        var backend = scope.Bound(SocketType.Push, "tcp", out var backEp);
        using var cts = new CancellationTokenSource();
        var proxy = Task.Run(() => Proxy.Run(frontend, backend, cancellationToken: cts.Token));
        var source = scope.Connected(SocketType.Push, frontEp);
        for (int i = 0; i < 10; i++) Io.Send(source, $"{i}");
        var sink = scope.Connected(SocketType.Pull, backEp);
        for (int i = 0; i < 10; i++) Io.Expect(sink, $"{i}");
        cts.Cancel();
        await Within(proxy);
    }

    [Fact]
    public void InvalidSocketsAreRefusedByName()
    {
        using var scope = new Scope();
        var pull = scope.Make(SocketType.Pull);
        var pull2 = scope.Make(SocketType.Pull);
        var push = scope.Make(SocketType.Push);
        Assert.Equal("frontend", Assert.Throws<ArgumentNullException>(() => Proxy.Run(null!, push)).ParamName);
        Assert.Equal("backend", Assert.Throws<ArgumentException>(() => Proxy.Run(pull, pull2)).ParamName);
        Assert.Equal("capture", Assert.Throws<ArgumentException>(() => Proxy.Run(pull, push, pull2)).ParamName);
        Assert.Equal("control", Assert.Throws<ArgumentException>(() => Proxy.Run(pull, push, control: pull)).ParamName);
    }

    private static bool DisposeTrue(Frame f)
    {
        f.Dispose();
        return true;
    }
}
