using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>
/// ZMQ_CONFLATE (libzmq's test_conflate in Zera's words): a conflating socket's queue keeps only the latest message,
/// inbound for a receiver and outbound for a sender, and its high-water marks do not apply. Where messages cross a
/// connection, the test waits for something that can only happen after they all arrived (the sender's disconnect,
/// or a peer that binds only after they were queued), so what it checks never depends on timing.
/// </summary>
public class ConflateTests
{
    /// <summary>libzmq's scenario: 20 messages reach a conflating PULL that has not read yet; it gets only the last.
    /// Over inproc the sends themselves fill the PULL's queue; over tcp and ipc the PUSH disconnects after sending,
    /// and its disconnect is seen only after everything it sent was taken in.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public async Task ConflatingPullGetsOnlyTheLastOfTwentyMessages(string transport)
    {
        using var scope = new Scope();
        var pull = scope.Make(SocketType.Pull);
        pull.Conflate = true;
        bool overConnection = transport != "inproc";
        var events = overConnection ? pull.MonitorAsync(SocketEventKind.Disconnected).GetAsyncEnumerator() : null;
        var disconnected = events?.MoveNextAsync().AsTask(); // registers the monitor before anything connects
        var ep = Endpoints.Bind(pull, transport);

        var push = scope.MakeLingering(SocketType.Push); // sends everything before it goes
        push.Connect(ep);
        for (int i = 0; i < 20; i++) Io.Send(push, $"message {i}");
        if (overConnection)
        {
            push.Dispose();
            Assert.True(await Io.CompletesWithin(disconnected!, Io.Long), "the PUSH's disconnect was not seen");
            await events!.DisposeAsync();
        }

        Io.Expect(pull, "message 19");
        Io.ExpectNothing(pull);
    }

    /// <summary>On the sending side: a conflating PUSH whose peer does not exist yet keeps only its latest message, and
    /// the peer that binds later gets that one.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void ConflatingPushSendsOnlyItsLatestMessageToAPeerThatComesLater(string transport)
    {
        using var scope = new Scope();
        string ep = Io.Unbound(transport);
        var push = scope.Make(SocketType.Push);
        push.Conflate = true;
        push.Connect(ep);
        for (int i = 0; i < 20; i++) Io.Send(push, $"message {i}");

        var pull = scope.Make(SocketType.Pull);
        pull.Bind(ep);
        Io.Expect(pull, "message 19");
        Io.ExpectNothing(pull);
    }

    /// <summary>The high-water marks are ignored: with marks of 1, a conflating PUSH whose peer never reads still
    /// takes every message at once, and the peer gets the latest.</summary>
    [Fact]
    public void HighWaterMarksDoNotApply()
    {
        using var scope = new Scope();
        var pull = scope.Make(SocketType.Pull);
        pull.ReceiveHighWatermark = 1;
        var ep = Endpoints.Bind(pull, "inproc");
        var push = scope.Make(SocketType.Push);
        push.SendHighWatermark = 1;
        push.Conflate = true;
        push.Connect(ep);
        for (int i = 0; i < 100; i++)
            Assert.True(push.TrySend($"message {i}", TimeSpan.Zero), $"message {i} would have waited");
        Io.Expect(pull, "message 99");
        Io.ExpectNothing(pull);
    }

    /// <summary>libzmq keeps one part of a multipart message; Zera keeps the latest message whole.</summary>
    [Fact]
    public void TheLatestMultipartMessageIsKeptWhole()
    {
        using var scope = new Scope();
        var pull = scope.Make(SocketType.Pull);
        pull.Conflate = true;
        var ep = Endpoints.Bind(pull, "inproc");
        var push = scope.Connected(SocketType.Push, ep);
        Io.Send(push, "first", "1");
        Io.Send(push, "second", "2", "two");
        Io.Expect(pull, "second", "2", "two");
        Io.ExpectNothing(pull);
    }

    /// <summary>A conflating DEALER conflates both ways: what it receives and what it sends.</summary>
    [Fact]
    public void ConflatingDealerKeepsTheLatestBothWays()
    {
        using var scope = new Scope();
        var dealer = scope.Make(SocketType.Dealer);
        dealer.Conflate = true;
        var ep = Endpoints.Bind(dealer, "inproc");
        var peer = scope.Connected(SocketType.Dealer, ep);
        for (int i = 0; i < 5; i++) Io.Send(peer, $"in {i}");
        for (int i = 0; i < 5; i++) Io.Send(dealer, $"out {i}");
        Io.Expect(dealer, "in 4");
        Io.Expect(peer, "out 4");
        Io.ExpectNothing(dealer);
        Io.ExpectNothing(peer);
    }

    /// <summary>A conflating SUB conflates the messages it receives, not the subscriptions it sends: every one of
    /// several subscriptions reaches the publisher.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void EverySubscriptionOfAConflatingSubReachesThePublisher(string transport)
    {
        using var scope = new Scope();
        var pub = scope.Bound(SocketType.Pub, transport, out var ep);
        var sub = scope.Make(SocketType.Sub);
        sub.Conflate = true;
        foreach (var prefix in new[] { "a", "b", "c", "sync" }) sub.Subscribe(prefix);
        sub.Connect(ep);
        PubSubTests.Synchronise(pub, sub, "sync");

        foreach (var topic in new[] { "a", "b", "c" })
        {
            Io.Send(pub, $"{topic} news");
            Io.Expect(sub, $"{topic} news");
        }
    }

    /// <summary>A conflating SUB over inproc, where the publisher's sends fill its queue at once: of three messages
    /// it gets the last.</summary>
    [Fact]
    public void ConflatingSubGetsOnlyTheLatestMessage()
    {
        using var scope = new Scope();
        var pub = scope.Bound(SocketType.Pub, "inproc", out var ep);
        var sub = scope.Make(SocketType.Sub);
        sub.Conflate = true;
        sub.Subscribe("");
        sub.Connect(ep);
        PubSubTests.Synchronise(pub, sub, "sync");
        Io.Send(pub, "one");
        Io.Send(pub, "two");
        Io.Send(pub, "three");
        Io.Expect(sub, "three");
        Io.ExpectNothing(sub);
    }

    /// <summary>A conflating PUB keeps the latest message per subscriber, and still takes in every subscription.</summary>
    [Fact]
    public void ConflatingPubKeepsTheLatestMessagePerSubscriber()
    {
        using var scope = new Scope();
        var pub = scope.Make(SocketType.Pub);
        pub.Conflate = true;
        var ep = Endpoints.Bind(pub, "inproc");
        var first = scope.Make(SocketType.Sub);
        first.Subscribe("a");
        first.Subscribe("sync");
        first.Connect(ep);
        var second = scope.Make(SocketType.Sub);
        second.Subscribe("b");
        second.Subscribe("sync");
        second.Connect(ep);
        PubSubTests.Synchronise(pub, first, "sync");
        PubSubTests.Synchronise(pub, second, "sync");
        while (first.TryReceiveString(TimeSpan.Zero, out _)) { } // the latest marker of the second synchronisation

        for (int i = 0; i < 10; i++)
        {
            Io.Send(pub, $"a {i}");
            Io.Send(pub, $"b {i}");
        }
        Io.Expect(first, "a 9");
        Io.Expect(second, "b 9");
        Io.ExpectNothing(first);
        Io.ExpectNothing(second);
    }
}
