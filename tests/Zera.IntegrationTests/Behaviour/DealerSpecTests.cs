using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>DEALER as RFC 28 specifies it (libzmq's test_spec_dealer).</summary>
public class DealerSpecTests
{
    /// <summary>Outgoing messages go to the connected peers in turn.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void RoundRobinOut(string transport)
    {
        using var scope = new Scope();
        const int services = 5;
        var dealer = scope.Make(SocketType.Dealer);
        var reps = new ZeraSocket[services];
        for (int i = 0; i < services; i++)
        {
            reps[i] = scope.Bound(SocketType.Rep, transport, out var ep);
            dealer.Connect(ep);
        }

        for (int i = 0; i < services; i++) Io.Send(dealer, "", $"ABC{i}");
        for (int i = 0; i < services; i++) Io.Expect(reps[i], $"ABC{i}");
    }

    /// <summary>The same from the binding side: once every peer is known, each gets an equal share.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void RoundRobinOutFromTheBindingSide(string transport)
    {
        using var scope = new Scope();
        const int peers = 4;
        var dealer = scope.Bound(SocketType.Dealer, transport, out var ep);
        var clients = new ZeraSocket[peers];
        for (int i = 0; i < peers; i++)
        {
            clients[i] = scope.Connected(SocketType.Dealer, ep);
            Io.Send(clients[i], "hello");
        }
        // Hearing from every peer proves all of them are attached.
        for (int i = 0; i < peers; i++) Io.Expect(dealer, "hello");

        for (int i = 0; i < 3 * peers; i++) Io.Send(dealer, $"work {i}");
        var seen = new List<string>();
        foreach (var c in clients)
        {
            for (int n = 0; n < 3; n++) seen.Add(Assert.Single(Io.Receive(c)));
            Io.ExpectNothing(c, TimeSpan.FromMilliseconds(50));
        }
        Assert.Equal(Enumerable.Range(0, 3 * peers).Select(i => $"work {i}").Order(), seen.Order());
    }

    /// <summary>Incoming messages from all peers are delivered.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void FairQueueIn(string transport)
    {
        using var scope = new Scope();
        const int senders = 5;
        var receiver = scope.Bound(SocketType.Dealer, transport, out var ep);
        var peers = new ZeraSocket[senders];
        for (int i = 0; i < senders; i++) peers[i] = scope.Connected(SocketType.Dealer, ep);

        Io.Send(peers[0], "A");
        Io.Expect(receiver, "A");
        Io.Send(peers[0], "A");
        Io.Expect(receiver, "A");

        for (int i = 0; i < senders; i++) Io.Send(peers[i], $"B{i}");
        var got = new List<string>();
        for (int i = 0; i < senders; i++) got.Add(Assert.Single(Io.Receive(receiver)));
        Assert.Equal(Enumerable.Range(0, senders).Select(i => $"B{i}"), got.Order());
    }

    /// <summary>When every peer has messages waiting, a receive takes one from each in turn, so a busy peer cannot
    /// starve the others (checked over inproc, where the queues are filled synchronously).</summary>
    [Fact]
    public void FairQueueTakesOneFromEachPeerInTurn()
    {
        using var scope = new Scope();
        const int senders = 5;
        var receiver = scope.Bound(SocketType.Dealer, "inproc", out var ep);
        var peers = new ZeraSocket[senders];
        for (int i = 0; i < senders; i++) peers[i] = scope.Connected(SocketType.Dealer, ep);
        for (int i = 0; i < senders; i++)
            for (int n = 0; n < 3; n++) Io.Send(peers[i], $"{i}");

        for (int n = 0; n < 3; n++)
        {
            var round = Enumerable.Range(0, senders).Select(_ => Assert.Single(Io.Receive(receiver))).ToList();
            Assert.Equal(Enumerable.Range(0, senders).Select(i => $"{i}"), round.Order());
        }
    }

    /// <summary>With no peer, a DEALER cannot send.</summary>
    [Fact]
    public void SendingWithoutPeersBlocks()
    {
        using var scope = new Scope();
        var dealer = scope.Make(SocketType.Dealer);
        Assert.False(dealer.TrySend(Io.B("x")));
        Assert.False(dealer.TrySend(Io.B("x"), TimeSpan.FromMilliseconds(100)));
        dealer.SendTimeout = 100;
        var e = Assert.Throws<ZeraException>(() => dealer.Send("x"));
        Assert.Equal(ErrorKind.WouldBlock, e.Kind);
    }

    /// <summary>A DEALER whose peer reads nothing stops accepting messages at the high-water mark (it never drops),
    /// and accepts again once the peer has read.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void BlocksAtTheHighWaterMarkInsteadOfDropping(string transport)
    {
        using var scope = new Scope();
        var receiver = scope.Make(SocketType.Dealer);
        receiver.ReceiveHighWatermark = 2;
        receiver.ReceiveBuffer = 8192;
        var ep = Endpoints.Bind(receiver, transport);
        var sender = scope.Make(SocketType.Dealer);
        sender.SendHighWatermark = 2;
        sender.SendBuffer = 8192;
        sender.Connect(ep);

        int sent = HwmTests.FillUntilBlocked(sender, 4096, limit: 5000);
        for (int i = 0; i < sent; i++) Assert.Equal(i, HwmTests.Sequence(Io.ReceiveBytes(receiver)));
        Io.ExpectNothing(receiver);

        Io.Send(sender, "more");
        Io.Expect(receiver, "more");
    }
}
