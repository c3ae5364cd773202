using SocketType2 = System.Net.Sockets.SocketType;
using System.Net;
using AddressFamily = System.Net.Sockets.AddressFamily;
using ProtocolType = System.Net.Sockets.ProtocolType;
using Zera.IntegrationTests.Support;
using NetSocket = System.Net.Sockets.Socket;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>The poller (libzmq's test_poller and zmq_poll's level-triggered contract) and ZMQ_EVENTS readiness.</summary>
public class PollerTests
{
    private static PollResult[] Results(int n = 8) => new PollResult[n];

    /// <summary>The task's result, failing the test if it does not complete in time.</summary>
    private static async Task<T> Within<T>(Task<T> task)
    {
        Assert.True(await Io.CompletesWithin(task, Wait.Timeout), "the wait did not end in time");
        return await task;
    }

    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void ReadableIsLevelTriggeredUntilTheMessageIsRead(string transport)
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, transport, out var ep);
        var push = scope.Connected(SocketType.Push, ep);
        using var poller = new Poller();
        poller.Add(pull, PollEvents.In, "pull");
        var ready = Results();

        Assert.Equal(0, poller.Wait(ready, TimeSpan.Zero));
        Io.Send(push, "one", "two");
        Assert.Equal(1, poller.Wait(ready, Io.Long));
        Assert.Same(pull, ready[0].Socket);
        Assert.Equal(PollEvents.In, ready[0].Events);
        Assert.Equal("pull", ready[0].UserData);
        // Still readable: nothing was read.
        Assert.Equal(1, poller.Wait(ready, TimeSpan.Zero));
        Assert.True(pull.HasIn);
        Io.Expect(pull, "one", "two");
        Assert.Equal(0, poller.Wait(ready, TimeSpan.Zero));
        Assert.False(pull.HasIn);
    }

    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public async Task ABlockedWaitWakesWhenAMessageArrives(string transport)
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, transport, out var ep);
        var push = scope.Connected(SocketType.Push, ep);
        using var poller = new Poller();
        poller.Add(pull, PollEvents.In);
        for (int round = 0; round < 50; round++)
        {
            var waiting = Task.Run(() => poller.Wait(Results(), Timeout.InfiniteTimeSpan, new CancellationTokenSource(Wait.Timeout).Token));
            Io.Send(push, $"m{round}");
            Assert.Equal(1, await Within(waiting));
            Io.Expect(pull, $"m{round}");
        }
    }

    [Fact]
    public void EachReadySocketIsReportedWithItsOwnData()
    {
        using var scope = new Scope();
        var a = scope.Bound(SocketType.Pull, "inproc", out var epA);
        var b = scope.Bound(SocketType.Pull, "inproc", out var epB);
        var c = scope.Bound(SocketType.Pull, "inproc", out _);
        Io.Send(scope.Connected(SocketType.Push, epA), "a");
        Io.Send(scope.Connected(SocketType.Push, epB), "b");
        using var poller = new Poller();
        poller.Add(a, PollEvents.In, 1);
        poller.Add(b, PollEvents.In, 2);
        poller.Add(c, PollEvents.In, 3);
        var ready = Results();
        int n = poller.Wait(ready, Io.Long);
        Assert.Equal(2, n);
        Assert.Equal([1, 2], ready[..n].Select(r => (int)r.UserData!).Order());
    }

    /// <summary>A short result buffer gets the ready sockets in turn, so one busy socket cannot hide another.</summary>
    [Fact]
    public void AShortResultBufferRotatesOverReadySockets()
    {
        using var scope = new Scope();
        var a = scope.Bound(SocketType.Pull, "inproc", out var epA);
        var b = scope.Bound(SocketType.Pull, "inproc", out var epB);
        Io.Send(scope.Connected(SocketType.Push, epA), "a");
        Io.Send(scope.Connected(SocketType.Push, epB), "b");
        using var poller = new Poller();
        poller.Add(a, PollEvents.In);
        poller.Add(b, PollEvents.In);
        var one = Results(1);
        var seen = new HashSet<ZeraSocket>();
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(1, poller.Wait(one, Io.Long));
            seen.Add(one[0].Socket!);
        }
        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public async Task WritableFollowsTheHighWaterMark()
    {
        using var scope = new Scope();
        var pull = scope.Make(SocketType.Pull);
        pull.ReceiveHighWatermark = 1;
        pull.Bind("inproc://poller-hwm");
        var push = scope.Make(SocketType.Push);
        push.SendHighWatermark = 1;
        using var poller = new Poller();
        poller.Add(push, PollEvents.Out);
        var ready = Results();

        Assert.False(push.HasOut); // no peer yet
        Assert.Equal(0, poller.Wait(ready, TimeSpan.Zero));
        push.Connect("inproc://poller-hwm");
        Assert.Equal(1, poller.Wait(ready, Io.Long));
        Assert.Equal(PollEvents.Out, ready[0].Events);

        int sent = 0;
        while (push.HasOut) Io.Send(push, $"{sent++}");
        Assert.Equal(2, sent); // SNDHWM + RCVHWM over inproc
        Assert.Equal(0, poller.Wait(ready, TimeSpan.Zero));

        var waiting = Task.Run(() => poller.Wait(Results(), Wait.Timeout));
        Io.Expect(pull, "0");
        Assert.Equal(1, await Within(waiting));
    }

    [Fact]
    public void ReqAndRepReadinessFollowsTheirTurn()
    {
        using var scope = new Scope();
        var rep = scope.Bound(SocketType.Rep, "tcp", out var ep);
        var req = scope.Connected(SocketType.Req, ep);
        Wait.Until(() => req.HasOut, "the REQ can send once connected");
        Assert.False(req.HasIn);
        Assert.False(rep.HasOut);
        Io.Send(req, "ping");
        Assert.False(req.HasOut); // it must receive the reply first
        Wait.Until(() => rep.HasIn, "the request arrives");
        Assert.Equal(PollEvents.In, rep.Events);
        Io.Expect(rep, "ping");
        Assert.True(rep.HasOut);
        Io.Send(rep, "pong");
        Wait.Until(() => req.HasIn, "the reply arrives");
        Io.Expect(req, "pong");
        Assert.True(req.HasOut);
    }

    [Fact]
    public void APeekedMessageKeepsItsFramesAndMoreFlags()
    {
        using var scope = new Scope();
        var router = scope.Bound(SocketType.Router, "inproc", out var ep);
        var dealer = scope.Make(SocketType.Dealer);
        dealer.RoutingId = Io.B("d1");
        dealer.Connect(ep);
        Io.Send(dealer, "x", "y");
        Wait.Until(() => router.HasIn, "the message arrives");
        Assert.True(router.HasIn);
        using (var id = router.Receive())
        {
            Assert.True(router.ReceiveMore);
            Assert.Equal("d1", id.GetString());
        }
        Assert.Equal("x", router.ReceiveString());
        Assert.True(router.ReceiveMore);
        Assert.Equal("y", router.ReceiveString());
        Assert.False(router.ReceiveMore);
    }

    [Fact]
    public async Task WaitAsyncCompletesOnAMessageTimesOutAndCancels()
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, "tcp", out var ep);
        var push = scope.Connected(SocketType.Push, ep);
        using var poller = new Poller();
        poller.Add(pull, PollEvents.In);
        var ready = Results();

        Assert.Equal(0, await poller.WaitAsync(ready, TimeSpan.FromMilliseconds(20)));
        var waiting = poller.WaitAsync(ready, Timeout.InfiniteTimeSpan).AsTask();
        Io.Send(push, "hi");
        Assert.True(await Io.CompletesWithin(waiting, Wait.Timeout));
        Assert.Equal(1, await waiting);
        Io.Expect(pull, "hi");

        using var cts = new CancellationTokenSource();
        var cancelled = poller.WaitAsync(ready, Timeout.InfiniteTimeSpan, cts.Token).AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Wait.Timeout));
    }

    [Fact]
    public async Task ABlockedWaitIsCancelledByItsToken()
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, "inproc", out _);
        using var poller = new Poller();
        poller.Add(pull, PollEvents.In);
        using var cts = new CancellationTokenSource();
        var waiting = Task.Run(() => poller.Wait(Results(), Timeout.InfiniteTimeSpan, cts.Token));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within(waiting));
    }

    [Fact]
    public async Task TerminatingTheContextEndsABlockedWait()
    {
        var context = new Context();
        var pull = context.CreateSocket(SocketType.Pull);
        pull.Linger = 0;
        pull.Bind("inproc://poller-term");
        var poller = new Poller();
        poller.Add(pull, PollEvents.In);
        var waiting = Task.Run(() => poller.Wait(Results(), Timeout.InfiniteTimeSpan));
        var terminating = Task.Run(context.Dispose);
        var e = await Assert.ThrowsAsync<ZeraException>(() => Within(waiting));
        Assert.Equal(ErrorKind.Terminated, e.Kind);
        poller.Dispose();
        pull.Dispose();
        Assert.True(await Io.CompletesWithin(terminating, Wait.Timeout));
    }

    [Fact]
    public void TimersRunInsideTheWait()
    {
        using var poller = new Poller();
        int once = 0, repeated = 0;
        poller.AddTimer(TimeSpan.FromMilliseconds(5), _ => once++, repeat: false);
        poller.AddTimer(TimeSpan.FromMilliseconds(2), t =>
        {
            if (++repeated == 5) t.Cancel();
        });
        var ready = Results();
        var deadline = DateTime.UtcNow + Wait.Timeout;
        while ((once == 0 || repeated < 5) && DateTime.UtcNow < deadline) poller.Wait(ready, TimeSpan.FromMilliseconds(50));
        Assert.Equal(1, once);
        Assert.Equal(5, repeated);
        // Neither runs again.
        poller.Wait(ready, TimeSpan.FromMilliseconds(30));
        Assert.Equal(1, once);
        Assert.Equal(5, repeated);
    }

    [Fact]
    public void ATimerCanBeResetAndItsCallbackMayUseTheSockets()
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, "inproc", out var ep);
        var push = scope.Connected(SocketType.Push, ep);
        using var poller = new Poller();
        poller.Add(pull, PollEvents.In);
        var timer = poller.AddTimer(TimeSpan.FromMilliseconds(1), _ => Io.Send(push, "from the timer"), repeat: false);
        var ready = Results();
        Assert.Equal(1, poller.Wait(ready, Wait.Timeout));
        Io.Expect(pull, "from the timer");
        Assert.False(timer.Enabled);
        timer.Reset();
        Assert.Equal(1, poller.Wait(ready, Wait.Timeout));
        Io.Expect(pull, "from the timer");
    }

    [Fact]
    public async Task PlainSocketsAreReportedReadableAndWritable()
    {
        using var listener = new NetSocket(AddressFamily.InterNetwork, SocketType2.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new NetSocket(AddressFamily.InterNetwork, SocketType2.Stream, ProtocolType.Tcp);
        using var poller = new Poller();
        poller.Add(listener, PollEvents.In, "listener");
        var ready = Results();
        Assert.Equal(0, poller.Wait(ready, TimeSpan.Zero));

        client.Connect(listener.LocalEndPoint!);
        Assert.Equal(1, poller.Wait(ready, Wait.Timeout)); // a connection to accept
        Assert.Same(listener, ready[0].NetSocket);
        using var server = listener.Accept();
        poller.Remove(listener);

        poller.Add(server, PollEvents.In | PollEvents.Out);
        Assert.Equal(1, poller.Wait(ready, Wait.Timeout));
        Assert.Equal(PollEvents.Out, ready[0].Events);
        poller.Modify(server, PollEvents.In);
        Assert.Equal(0, poller.Wait(ready, TimeSpan.Zero));

        // A blocked wait wakes when the plain socket has data (through its zero-byte receive), and the data is all there.
        var waiting = Task.Run(() => poller.Wait(Results(), Wait.Timeout));
        client.Send("hello"u8);
        Assert.Equal(1, await Within(waiting));
        var buffer = new byte[16];
        Assert.Equal(5, server.Receive(buffer));
        Assert.Equal("hello"u8.ToArray(), buffer[..5]);
    }

    /// <summary>Listening, datagram and writable plain sockets, which no zero-byte receive can watch, wake a blocked
    /// wait the moment they become ready; on Linux through epoll, so the poller never falls back to re-checking them
    /// on a timer (which would cost CPU while nothing is ready).</summary>
    [Fact]
    public async Task ListeningDatagramAndWritablePlainSocketsWakeAWaitWithoutRechecks()
    {
        using var poller = new Poller();

        using var listener = new NetSocket(AddressFamily.InterNetwork, SocketType2.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        poller.Add(listener, PollEvents.In, "listener");
        var waiting = Task.Run(() => poller.Wait(Results(), Wait.Timeout));
        using var client = new NetSocket(AddressFamily.InterNetwork, SocketType2.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        Assert.Equal(1, await Within(waiting));
        using var server = listener.Accept();
        poller.Remove(listener);

        using var udp = new NetSocket(AddressFamily.InterNetwork, SocketType2.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        poller.Add(udp, PollEvents.In, "udp");
        waiting = Task.Run(() => poller.Wait(Results(), Wait.Timeout));
        using var udpSender = new NetSocket(AddressFamily.InterNetwork, SocketType2.Dgram, ProtocolType.Udp);
        udpSender.SendTo("datagram"u8, udp.LocalEndPoint!);
        Assert.Equal(1, await Within(waiting));
        var buffer = new byte[64];
        Assert.Equal(8, udp.Receive(buffer)); // the wait consumed nothing
        poller.Remove(udp);

        // Fill the client's send path until the kernel refuses more, then wait for room while the server drains it.
        client.Blocking = false;
        var chunk = new byte[65536];
        while (client.Send(chunk, 0, chunk.Length, System.Net.Sockets.SocketFlags.None, out var error) > 0 && error == System.Net.Sockets.SocketError.Success) { }
        poller.Add(client, PollEvents.Out, "writable");
        var ready = Results();
        Assert.Equal(0, poller.Wait(ready, TimeSpan.Zero));
        waiting = Task.Run(() => poller.Wait(Results(), Wait.Timeout));
        var drain = new byte[1 << 20];
        while (!waiting.IsCompleted && server.Available > 0) server.Receive(drain);
        Assert.Equal(1, await Within(waiting));

        if (OperatingSystem.IsLinux()) Assert.Equal(0, poller.Rechecks);
    }

    [Fact]
    public async Task ZeraAndPlainSocketsShareOneWait()
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, "tcp", out var ep);
        var push = scope.Connected(SocketType.Push, ep);
        using var listener = new NetSocket(AddressFamily.InterNetwork, SocketType2.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new NetSocket(AddressFamily.InterNetwork, SocketType2.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        using var server = listener.Accept();
        using var poller = new Poller();
        poller.Add(pull, PollEvents.In, "zera");
        poller.Add(server, PollEvents.In, "plain");
        var ready = Results();

        var first = Task.Run(() => poller.Wait(Results(), Wait.Timeout));
        Io.Send(push, "z");
        await Within(first);
        Assert.Equal(1, poller.Wait(ready, TimeSpan.Zero));
        Assert.Equal("zera", ready[0].UserData);
        Io.Expect(pull, "z");

        var second = Task.Run(() => poller.Wait(Results(), Wait.Timeout));
        client.Send("p"u8);
        await Within(second);
        Assert.Equal(1, poller.Wait(ready, TimeSpan.Zero));
        Assert.Equal("plain", ready[0].UserData);
    }

    /// <summary>Ten thousand sockets in one poller: the one that gets a message is found, and the poller adds no file
    /// descriptor of its own per socket.</summary>
    [Fact]
    public async Task TenThousandSocketsInOnePoller()
    {
        using var scope = new Scope();
        using var poller = new Poller();
        var sockets = new ZeraSocket[10_000];
        for (int i = 0; i < sockets.Length; i++)
        {
            sockets[i] = scope.Make(SocketType.Pull);
            sockets[i].Bind($"inproc://poller-many-{i}");
        }
        int fdsBefore = Directory.GetFiles("/proc/self/fd").Length;
        for (int i = 0; i < sockets.Length; i++) poller.Add(sockets[i], PollEvents.In, i);
        Assert.Equal(10_000, poller.Count);
        var ready = Results();
        Assert.Equal(0, poller.Wait(ready, TimeSpan.Zero));

        var push = scope.Connected(SocketType.Push, "inproc://poller-many-7777");
        var waiting = Task.Run(() => poller.Wait(Results(), Wait.Timeout));
        Io.Send(push, "found");
        await Within(waiting);
        Assert.Equal(1, poller.Wait(ready, TimeSpan.Zero));
        Assert.Equal(7777, ready[0].UserData);
        Assert.InRange(Directory.GetFiles("/proc/self/fd").Length - fdsBefore, -16, 16);
    }

    [Fact]
    public void InvalidArgumentsAreRefusedByName()
    {
        using var scope = new Scope();
        var pull = scope.Make(SocketType.Pull);
        using var poller = new Poller();
        Assert.Equal("socket", Assert.Throws<ArgumentNullException>(() => poller.Add((ZeraSocket)null!, PollEvents.In)).ParamName);
        Assert.Equal("events", Assert.Throws<ArgumentOutOfRangeException>(() => poller.Add(pull, PollEvents.Error)).ParamName);
        poller.Add(pull, PollEvents.In);
        Assert.Contains("already", Assert.Throws<ArgumentException>(() => poller.Add(pull, PollEvents.In)).Message);
        poller.Remove(pull);
        Assert.Contains("not in this poller", Assert.Throws<ArgumentException>(() => poller.Modify(pull, PollEvents.In)).Message);
        Assert.Equal("ready", Assert.Throws<ArgumentException>(() => poller.Wait([], TimeSpan.Zero)).ParamName);
        Assert.Equal("timeout", Assert.Throws<ArgumentOutOfRangeException>(() => poller.Wait(Results(), TimeSpan.FromSeconds(-2))).ParamName);
        Assert.Equal("interval", Assert.Throws<ArgumentOutOfRangeException>(() => poller.AddTimer(TimeSpan.Zero, _ => { })).ParamName);
        poller.Dispose();
        Assert.Throws<ObjectDisposedException>(() => poller.Wait(Results(), TimeSpan.Zero));
    }
}
