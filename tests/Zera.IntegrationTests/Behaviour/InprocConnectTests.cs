using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>The inproc transport's binding rules (libzmq's test_inproc_connect): bind and connect in either order,
/// one binder per name per context, names free again after unbind or close.</summary>
public class InprocConnectTests
{
    [Fact]
    public void BindBeforeConnect()
    {
        using var scope = new Scope();
        var bound = scope.Bound(SocketType.Pair, "inproc", out var ep);
        var connected = scope.Connected(SocketType.Pair, ep);
        Io.Send(connected, "foobar");
        Io.Expect(bound, "foobar");
    }

    [Fact]
    public void ConnectBeforeBind()
    {
        using var scope = new Scope();
        string ep = Endpoints.ForBind("inproc");
        var connected = scope.Connected(SocketType.Pair, ep);
        Io.Send(connected, "foobar");
        var bound = scope.Make(SocketType.Pair);
        bound.Bind(ep);
        Io.Expect(bound, "foobar");
        Io.Send(bound, "back");
        Io.Expect(connected, "back");
    }

    /// <summary>Sockets on other threads connect first and send; the socket that binds later receives from all.</summary>
    [Fact]
    public void ConnectFirstFromManyThreads()
    {
        using var scope = new Scope();
        string ep = Endpoints.ForBind("inproc");
        const int threads = 10;
        var pushes = new ZeraSocket[threads];
        for (int i = 0; i < threads; i++) pushes[i] = scope.Make(SocketType.Push);
        var queued = new bool[threads];
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            pushes[i].Connect(ep);
            queued[i] = pushes[i].TrySend(Io.B("foobar"));
        })).ToList();
        workers.ForEach(t => t.Start());
        foreach (var t in workers) Assert.True(t.Join(Io.Long), "a connecting thread did not finish");
        Assert.All(queued, Assert.True);

        var pull = scope.Make(SocketType.Pull);
        pull.Bind(ep);
        for (int i = 0; i < threads; i++) Io.Expect(pull, "foobar");
        Io.ExpectNothing(pull, TimeSpan.FromMilliseconds(50));
    }

    /// <summary>A DEALER that connects first still announces its routing id to the ROUTER that binds later.</summary>
    [Fact]
    public void RoutingIdOfAnEarlyConnectionIsKnown()
    {
        using var scope = new Scope();
        string ep = Endpoints.ForBind("inproc");
        var dealer = scope.Make(SocketType.Dealer);
        dealer.RoutingId = Io.B("early");
        dealer.Connect(ep);
        Io.Send(dealer, "A", "B");

        var router = scope.Make(SocketType.Router);
        router.Bind(ep);
        Io.Expect(router, "early", "A", "B");
    }

    /// <summary>Anonymous early connection: the ROUTER still prefixes a routing id, and can answer under it.</summary>
    [Fact]
    public void AnonymousEarlyConnectionGetsAnId()
    {
        using var scope = new Scope();
        string ep = Endpoints.ForBind("inproc");
        var dealer = scope.Connected(SocketType.Dealer, ep);
        Io.Send(dealer, "A", "B");

        var router = scope.Make(SocketType.Router);
        router.Bind(ep);
        var msg = Io.ReceiveBytes(router);
        Assert.Equal(3, msg.Count);
        Assert.NotEmpty(msg[0]);
        Io.SendBytes(router, msg[0], Io.B("answer"));
        Io.Expect(dealer, "answer");
    }

    /// <summary>Connecting to a name nobody ever binds, then closing, does not keep the context from terminating.</summary>
    [Fact]
    public void ConnectOnlyThenClose()
    {
        var scope = new Scope();
        var push = scope.Connected(SocketType.Push, Endpoints.ForBind("inproc"));
        Assert.True(push.TrySend(Io.B("never delivered")));
        scope.Dispose(); // fails if the context hangs
    }

    /// <summary>A name can be bound only once in a context, by the same socket or another: AddressInUse.</summary>
    [Fact]
    public void BindingABoundNameFailsWithAddressInUse()
    {
        using var scope = new Scope();
        var first = scope.Bound(SocketType.Pull, "inproc", out var ep);
        var other = scope.Make(SocketType.Pull);
        var e = Assert.Throws<ZeraException>(() => other.Bind(ep));
        Assert.Equal(ErrorKind.AddressInUse, e.Kind);
        e = Assert.Throws<ZeraException>(() => first.Bind(ep));
        Assert.Equal(ErrorKind.AddressInUse, e.Kind);

        // The failed binds changed nothing: the name still leads to the first socket.
        var push = scope.Connected(SocketType.Push, ep);
        Io.Send(push, "to first");
        Io.Expect(first, "to first");
    }

    /// <summary>Each context has its own inproc names.</summary>
    [Fact]
    public void NamesAreLocalToTheirContext()
    {
        using var a = new Scope();
        using var b = new Scope();
        string ep = Endpoints.ForBind("inproc");
        var pullA = a.Make(SocketType.Pull);
        pullA.Bind(ep);
        var pullB = b.Make(SocketType.Pull);
        pullB.Bind(ep);

        Io.Send(a.Connected(SocketType.Push, ep), "in a");
        Io.Send(b.Connected(SocketType.Push, ep), "in b");
        Io.Expect(pullA, "in a");
        Io.Expect(pullB, "in b");
    }

    /// <summary>After an unbind, or after the binding socket is closed, the name can be bound again.</summary>
    [Fact]
    public void NameIsFreeAgainAfterUnbindOrClose()
    {
        using var scope = new Scope();
        var first = scope.Bound(SocketType.Pull, "inproc", out var ep);
        first.Unbind(ep);

        var second = scope.Make(SocketType.Pull);
        second.Bind(ep);
        second.Dispose();

        var third = scope.Make(SocketType.Pull);
        third.Bind(ep);
        var push = scope.Connected(SocketType.Push, ep);
        Io.Send(push, "to third");
        Io.Expect(third, "to third");
    }
}
