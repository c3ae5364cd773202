using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>
/// PUB, SUB, XPUB and XSUB (RFC 29, libzmq's test_pubsub, test_xpub_verbose, test_sub_forward in Zera's words):
/// prefix matching on the first frame, whole messages, counted subscriptions, filtering at the publisher,
/// subscriptions made before the publisher exists and sent again after a reconnect.
/// </summary>
public class PubSubTests
{
    /// <summary>The slow joiner (the Guide, chapter 2): a subscription needs a moment to reach the publisher, so the
    /// publisher sends a marker message until the subscriber gets one; afterwards nothing is lost between them.</summary>
    internal static void Synchronise(ZeraSocket pub, ZeraSocket sub, string marker)
    {
        Wait.Until(() =>
        {
            pub.Send(marker);
            if (!sub.TryReceiveString(TimeSpan.FromMilliseconds(20), out var got)) return false;
            Assert.Equal(marker, got);
            return true;
        }, $"the subscription for '{marker}' to reach the publisher");
        while (sub.TryReceiveString(TimeSpan.FromMilliseconds(50), out var extra)) Assert.Equal(marker, extra); // markers still in flight
    }

    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void SubscriberGetsOnlyTheMessagesItsPrefixesMatch(string transport)
    {
        using var scope = new Scope();
        var pub = scope.Bound(SocketType.Pub, transport, out var ep);
        var sub = scope.Connected(SocketType.Sub, ep);
        sub.Subscribe("weather.");
        sub.Subscribe("sync");
        Synchronise(pub, sub, "sync");

        pub.Send("sports.goal");
        pub.Send("weather.rain");
        pub.SendMultipart("weather.sun", "25C", "dry");
        pub.Send("weathe");
        Io.Expect(sub, "weather.rain");
        Io.Expect(sub, "weather.sun", "25C", "dry"); // the whole message: topic frame and body frames
        Io.ExpectNothing(sub);
    }

    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void EmptyPrefixMatchesEverythingAndEverySubscriberGetsItsCopy(string transport)
    {
        using var scope = new Scope();
        var pub = scope.Bound(SocketType.Pub, transport, out var ep);
        var all = scope.Connected(SocketType.Sub, ep);
        all.Subscribe("");
        var some = scope.Connected(SocketType.Sub, ep);
        some.Subscribe("b");
        Synchronise(pub, all, "a-sync");
        some.Subscribe("a-sync");
        Synchronise(pub, some, "a-sync");
        while (all.TryReceiveString(TimeSpan.FromMilliseconds(50), out _)) { } // its copies of the markers

        pub.Send("alpha");
        pub.Send("beta");
        Io.Expect(all, "alpha");
        Io.Expect(all, "beta");
        Io.Expect(some, "beta");
        Io.ExpectNothing(some);
    }

    [Fact]
    public void SubscriptionsAreCountedAndTheLastCancelStopsThem()
    {
        using var scope = new Scope();
        var pub = scope.Bound(SocketType.Pub, "tcp", out var ep);
        var sub = scope.Connected(SocketType.Sub, ep);
        sub.Subscribe("t");
        sub.Subscribe("t");
        Synchronise(pub, sub, "t-sync");

        sub.Unsubscribe("t"); // one of two
        pub.Send("t1");
        Io.Expect(sub, "t1");

        sub.Unsubscribe("t"); // the last: the publisher stops sending
        sub.Subscribe("u");
        Synchronise(pub, sub, "u-sync"); // the cancel went before this subscription
        pub.Send("t2");
        pub.Send("u1");
        Io.Expect(sub, "u1");
        Io.ExpectNothing(sub);
    }

    [Fact]
    public async Task PubCannotReceiveAndSubCannotSend()
    {
        using var scope = new Scope();
        var pub = scope.Make(SocketType.Pub);
        var sub = scope.Make(SocketType.Sub);
        Assert.Equal(ErrorKind.InvalidState, Assert.Throws<ZeraException>(() => pub.TryReceive(out _)).Kind);
        Assert.Equal(ErrorKind.InvalidState, Assert.Throws<ZeraException>(() => sub.Send("x")).Kind);
        var timeout = TimeSpan.FromSeconds(5);
        Assert.Equal(ErrorKind.InvalidState, (await Assert.ThrowsAsync<ZeraException>(async () => await pub.ReceiveAsync().AsTask().WaitAsync(timeout))).Kind);
        Assert.Equal(ErrorKind.InvalidState, (await Assert.ThrowsAsync<ZeraException>(async () => await sub.SendAsync("x").AsTask().WaitAsync(timeout))).Kind);
        Assert.Equal(ErrorKind.InvalidArgument, Assert.Throws<ZeraException>(() => pub.Subscribe("x")).Kind);
    }

    /// <summary>A publisher never blocks: a subscriber at its high-water mark misses messages instead.</summary>
    [Fact]
    public void PublisherDropsForAFullSubscriberAndNeverBlocks()
    {
        using var scope = new Scope();
        var pub = scope.Make(SocketType.Pub);
        pub.SendHighWatermark = 5;
        pub.Bind("inproc://pub-hwm");
        var sub = scope.Make(SocketType.Sub);
        sub.ReceiveHighWatermark = 5;
        sub.Connect("inproc://pub-hwm");
        sub.Subscribe("");
        for (int i = 0; i < 1000; i++) Assert.True(pub.TrySend(Io.B($"m{i}")), $"send {i} would block");
        int got = 0;
        while (sub.TryReceive(out var f, TimeSpan.FromMilliseconds(50)))
        {
            f.Dispose();
            got++;
        }
        Assert.InRange(got, 1, 10); // inproc: the two marks add up
    }

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void XPubSeesNewSubscriptionsAndLastCancels(string transport)
    {
        using var scope = new Scope();
        var xpub = scope.Bound(SocketType.XPub, transport, out var ep);
        var a = scope.Connected(SocketType.Sub, ep);
        var b = scope.Connected(SocketType.Sub, ep);
        a.Subscribe("news");
        Assert.Equal([1, .. "news"u8], Io.ReceiveBytes(xpub)[0]);
        b.Subscribe("news"); // not new to the XPUB: not passed on
        b.Subscribe("x");
        Assert.Equal([1, .. "x"u8], Io.ReceiveBytes(xpub)[0]);
        a.Unsubscribe("news"); // b still has it
        b.Unsubscribe("news"); // the last
        Assert.Equal([0, .. "news"u8], Io.ReceiveBytes(xpub)[0]);
        Io.ExpectNothing(xpub);
    }

    [Fact]
    public void VerboseXPubSeesEverySubscription()
    {
        using var scope = new Scope();
        var xpub = scope.Make(SocketType.XPub);
        xpub.XPubVerbose = true;
        var ep = Endpoints.Bind(xpub, "inproc");
        var a = scope.Connected(SocketType.Sub, ep);
        var b = scope.Connected(SocketType.Sub, ep);
        a.Subscribe("k");
        b.Subscribe("k");
        Assert.Equal([1, .. "k"u8], Io.ReceiveBytes(xpub)[0]);
        Assert.Equal([1, .. "k"u8], Io.ReceiveBytes(xpub)[0]);
    }

    [Fact]
    public void VerboserXPubSeesEveryCancelToo()
    {
        using var scope = new Scope();
        var xpub = scope.Make(SocketType.XPub);
        xpub.XPubVerboser = true;
        var ep = Endpoints.Bind(xpub, "inproc");
        var a = scope.Connected(SocketType.Sub, ep);
        var b = scope.Connected(SocketType.Sub, ep);
        a.Subscribe("k");
        b.Subscribe("k");
        a.Unsubscribe("k");
        b.Unsubscribe("k");
        // Each subscriber's messages keep their order; the two subscribers' may interleave either way.
        var seen = Enumerable.Range(0, 4).Select(_ => Convert.ToHexString(Io.ReceiveBytes(xpub)[0])).Order().ToList();
        Assert.Equal(["006B", "006B", "016B", "016B"], seen); // every subscribe and every cancel
        Io.ExpectNothing(xpub);
    }

    /// <summary>XPUB_NODROP: a full subscriber makes the send wait instead of losing the message.</summary>
    [Fact]
    public void NoDropXPubWaitsForAFullSubscriber()
    {
        using var scope = new Scope();
        var xpub = scope.Make(SocketType.XPub);
        xpub.XPubNoDrop = true;
        xpub.SendHighWatermark = 2;
        var ep = Endpoints.Bind(xpub, "inproc");
        var sub = scope.Make(SocketType.Sub);
        sub.ReceiveHighWatermark = 2;
        sub.Connect(ep);
        sub.Subscribe("");
        Io.ReceiveBytes(xpub); // the subscription
        int sent = 0;
        while (xpub.TrySend(Io.B($"m{sent}"))) sent++;
        Assert.InRange(sent, 1, 4); // inproc: the two marks add up
        Io.Expect(sub, "m0");
        Assert.True(xpub.TrySend(Io.B("after"), Io.Long), "the send did not go once the subscriber made room");
        for (int i = 1; i < sent; i++) Io.Expect(sub, $"m{i}"); // nothing was dropped
        Io.Expect(sub, "after");
    }

    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void InvertMatchingDeliversWhatDoesNotMatch(string transport)
    {
        using var scope = new Scope();
        var pub = scope.Make(SocketType.Pub);
        pub.InvertMatching = true;
        var ep = Endpoints.Bind(pub, transport);
        var sub = scope.Make(SocketType.Sub);
        sub.InvertMatching = true;
        sub.Connect(ep);
        sub.Subscribe("noise");
        Synchronise(pub, sub, "sync");
        pub.Send("noise 1");
        pub.Send("signal 1");
        Io.Expect(sub, "signal 1");
        Io.ExpectNothing(sub);
    }

    [Fact]
    public void VerboseUnsubscribeXSubPassesEveryCancelUpstream()
    {
        using var scope = new Scope();
        var xpub = scope.Bound(SocketType.XPub, "inproc", out var ep);
        var xsub = scope.Make(SocketType.XSub);
        xsub.XSubVerboseUnsubscribe = true;
        xsub.Connect(ep);
        xsub.Send([1, .. "q"u8]);
        xsub.Send([1, .. "q"u8]);
        Assert.Equal([1, .. "q"u8], Io.ReceiveBytes(xpub)[0]);
        xsub.Send([0, .. "q"u8]); // one of two: passed on only because of the option
        Assert.Equal([0, .. "q"u8], Io.ReceiveBytes(xpub)[0]);
    }

    /// <summary>XPUB_MANUAL: the XPUB's user sees the subscription and decides; nothing is subscribed until it does.</summary>
    [Fact]
    public void ManualXPubSubscribesWhatItsUserSays()
    {
        using var scope = new Scope();
        var xpub = scope.Make(SocketType.XPub);
        xpub.XPubManual = true;
        var ep = Endpoints.Bind(xpub, "inproc");
        var sub = scope.Connected(SocketType.Sub, ep);
        sub.Subscribe("A");
        Assert.Equal([1, .. "A"u8], Io.ReceiveBytes(xpub)[0]);
        xpub.Send("A1");
        Io.ExpectNothing(sub); // not subscribed yet: the user has not said so
        xpub.Subscribe("A");
        xpub.Send("A2");
        Io.Expect(sub, "A2");
        sub.Unsubscribe("A");
        Assert.Equal([0, .. "A"u8], Io.ReceiveBytes(xpub)[0]);
        xpub.Unsubscribe("A");
        xpub.Send("A3");
        Io.ExpectNothing(sub);
        Assert.Equal(ErrorKind.InvalidArgument, Assert.Throws<ZeraException>(() => scope.Make(SocketType.XPub).Subscribe("x")).Kind);
    }

    /// <summary>XPUB_MANUAL_LAST_VALUE (the Guide's last-value cache): the message sent right after a manual
    /// subscription goes to the new subscriber only.</summary>
    [Fact]
    public void LastValueXPubSendsTheCachedValueToTheNewSubscriberOnly()
    {
        using var scope = new Scope();
        var xpub = scope.Make(SocketType.XPub);
        xpub.XPubManualLastValue = true;
        Assert.True(xpub.XPubManual);
        var ep = Endpoints.Bind(xpub, "inproc");
        var early = scope.Connected(SocketType.Sub, ep);
        early.Subscribe("price");
        Io.ReceiveBytes(xpub);
        xpub.Subscribe("price");
        xpub.Send("price 1"); // right after early's subscription: to early only
        Io.Expect(early, "price 1");

        var late = scope.Connected(SocketType.Sub, ep);
        late.Subscribe("price");
        Io.ReceiveBytes(xpub);
        xpub.Subscribe("price");
        xpub.Send("price 1"); // the cached value, for late only
        Io.Expect(late, "price 1");
        Io.ExpectNothing(early);
        xpub.Send("price 2"); // a new value, for everyone
        Io.Expect(early, "price 2");
        Io.Expect(late, "price 2");
    }

    /// <summary>As libzmq's xpub: the message after a manual subscription is matched first, then kept for the new
    /// subscriber alone; one it did not subscribe to reaches nobody, and the next goes to all again.</summary>
    [Fact]
    public void ManualLastValueStillMatchesTheTopic()
    {
        using var scope = new Scope();
        var xpub = scope.Make(SocketType.XPub);
        xpub.XPubManualLastValue = true;
        var ep = Endpoints.Bind(xpub, "inproc");
        var early = scope.Connected(SocketType.Sub, ep);
        early.Subscribe("price");
        Io.ReceiveBytes(xpub);
        xpub.Subscribe("price");
        var late = scope.Connected(SocketType.Sub, ep);
        late.Subscribe("price");
        Io.ReceiveBytes(xpub);
        xpub.Subscribe("price");
        xpub.Send("volume 1"); // right after late's subscription, but not a topic late wants: nobody gets it
        xpub.Send("price 2");  // the manual step is over: everyone
        Io.Expect(early, "price 2");
        Io.Expect(late, "price 2");
    }

    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void WelcomeMessageGreetsEachNewSubscriber(string transport)
    {
        using var scope = new Scope();
        var xpub = scope.Make(SocketType.XPub);
        xpub.XPubWelcomeMessage = "WELCOME"u8.ToArray();
        var ep = Endpoints.Bind(xpub, transport);
        var sub = scope.Make(SocketType.Sub);
        sub.Subscribe("WELCOME");
        sub.Connect(ep);
        // As in libzmq's test_xpub_welcome_msg, the XPUB takes in the new subscriber at its next call.
        Assert.Equal([1, .. "WELCOME"u8], Io.ReceiveBytes(xpub)[0]);
        Io.Expect(sub, "WELCOME");
    }

    /// <summary>XSUB subscribes by sending the subscription as a message; XPUB to XSUB carries data down and
    /// subscriptions up (the forwarder of the Guide).</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void XSubSubscribesByMessageThroughAnXPub(string transport)
    {
        using var scope = new Scope();
        var xpub = scope.Bound(SocketType.XPub, transport, out var ep);
        var xsub = scope.Connected(SocketType.XSub, ep);
        xsub.Send([1, .. "q"u8]);
        Assert.Equal([1, .. "q"u8], Io.ReceiveBytes(xpub)[0]);
        xpub.Send("q!");
        xpub.Send("z!");
        Io.Expect(xsub, "q!");
        Io.ExpectNothing(xsub);
        xsub.Send([0, .. "q"u8]);
        Assert.Equal([0, .. "q"u8], Io.ReceiveBytes(xpub)[0]);
    }

    /// <summary>A SUB may subscribe and connect before any publisher exists; the subscription reaches the publisher
    /// when it binds, and again after the publisher restarts.</summary>
    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void SubscriptionsSurviveAPublisherThatComesLateAndRestarts(string transport)
    {
        using var scope = new Scope();
        var probe = scope.Bound(SocketType.Pull, transport, out var ep);
        probe.Unbind(ep); // an endpoint nobody serves yet
        var sub = scope.Make(SocketType.Sub);
        sub.ReconnectInterval = 20;
        sub.Subscribe("live");
        sub.Connect(ep);

        // Restarted several times: the subscription must go out again on every reconnect, whatever the timing.
        for (int generation = 1; generation <= 5; generation++)
        {
            var pub = scope.Make(SocketType.Pub);
            Wait.Until(() =>
            {
                try
                {
                    pub.Bind(ep);
                    return true;
                }
                catch (ZeraException e) when (e.Kind == ErrorKind.AddressInUse)
                {
                    return false; // the previous publisher's port is still being released
                }
            }, "the endpoint to be free again");
            Synchronise(pub, sub, $"live-{generation}"); // without subscribing again
            pub.Dispose();
        }
    }
}
