using System.Text;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Interop;

/// <summary>
/// Pub-sub against real libzmq (python3-zmq), over tcp and ipc, each side binding in turn: subscriptions travel
/// upstream in the form each side understands and the publisher filters, so a message nobody subscribed to never
/// arrives. A control PUSH/PULL pair carries the Guide's slow-joiner handshake.
/// </summary>
public sealed class PubSubInteropTests
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    public static TheoryData<string, bool> Cases => new()
    {
        { "tcp", true }, { "tcp", false }, { "ipc", true }, { "ipc", false },
    };

    /// <summary>Zera publishes; libzmq subscribes to "A" (and the sync marker): it gets exactly the A messages.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void ZeraPublisherFiltersForALibzmqSubscriber(string transport, bool zeraBinds)
    {
        using var ctx = new Context();
        using var pub = ctx.CreateSocket(SocketType.Pub);
        pub.Linger = 0;
        using var control = ctx.CreateSocket(SocketType.Pull);
        control.Linger = 0;
        string controlEp = InteropEndpoints.Bind(control, "tcp");

        var plan = new PeerPlan { StepTimeout = TimeSpan.FromSeconds(10) };
        plan.Open("control", "PUSH", connect: controlEp);
        var subscribe = new[] { B("A"), B("sync") };
        if (zeraBinds) plan.Open("main", "SUB", connect: InteropEndpoints.Bind(pub, transport), subscribe: subscribe);
        else plan.Open("main", "SUB", bind: InteropEndpoints.ForBind(transport), subscribe: subscribe);
        plan.SyncThenExpect("main", "control", [B("A-yes")], [B("A-multi"), B("part")]);
        using var peer = LibzmqPeer.Start(plan);
        if (!zeraBinds) pub.Connect(peer.WaitForLine("BOUND main "));

        Wait.Until(() =>
        {
            pub.Send("sync");
            return control.TryReceive(out var f, TimeSpan.FromMilliseconds(20)) && Dispose(f);
        }, "libzmq's subscription to reach Zera's publisher" + peer.Transcript);
        pub.Send("B-no");
        pub.Send("A-yes");
        pub.Send("C-no");
        pub.SendMultipart("A-multi", "part");
        var lines = peer.WaitForSuccess();
        Assert.Contains("EXPECTED main OK 2", lines);
    }

    /// <summary>libzmq publishes; Zera subscribes to "A": libzmq filters on Zera's subscription, so "B" never comes.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void LibzmqPublisherFiltersOnAZeraSubscription(string transport, bool zeraBinds)
    {
        using var ctx = new Context();
        using var sub = ctx.CreateSocket(SocketType.Sub);
        sub.Linger = 0;
        sub.ReceiveTimeout = 10_000;
        sub.Subscribe("A");
        using var control = ctx.CreateSocket(SocketType.Push);
        control.Linger = 0;

        var plan = new PeerPlan { StepTimeout = TimeSpan.FromSeconds(10) };
        plan.Open("control", "PULL", bind: "tcp://127.0.0.1:*");
        if (zeraBinds) plan.Open("main", "PUB", connect: InteropEndpoints.Bind(sub, transport));
        else plan.Open("main", "PUB", bind: InteropEndpoints.ForBind(transport));
        plan.PublishUntilTold("main", "control", B("A"))
            .Send("main", [TestFrame.Text("B-no")])
            .Send("main", [TestFrame.Text("A-yes")]);
        using var peer = LibzmqPeer.Start(plan);
        control.Connect(peer.WaitForLine("BOUND control "));
        if (!zeraBinds) sub.Connect(peer.WaitForLine("BOUND main "));

        var first = sub.ReceiveMultipart();
        Assert.Equal("A", Encoding.ASCII.GetString(first[0]));
        control.Send("got it");
        ExpectAfterMarkers(sub, "A-yes");
        peer.WaitForSuccess();
    }

    /// <summary>A Zera SUB subscribes and connects before any publisher exists; a libzmq PUB that binds later gets
    /// the subscription, and so does a second libzmq PUB after the first is gone (the subscription is sent again on
    /// reconnect, without the application subscribing again).</summary>
    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public void SubscriptionReachesALibzmqPublisherThatComesLateAndRestarts(string transport)
    {
        using var ctx = new Context();
        using var probe = ctx.CreateSocket(SocketType.Pull);
        probe.Linger = 0;
        string ep = InteropEndpoints.Bind(probe, transport);
        probe.Unbind(ep); // an endpoint nobody serves yet
        using var sub = ctx.CreateSocket(SocketType.Sub);
        sub.Linger = 0;
        sub.ReceiveTimeout = 10_000;
        sub.ReconnectInterval = 50;
        sub.Subscribe("A");
        sub.Connect(ep);
        using var control = ctx.CreateSocket(SocketType.Push);
        control.Linger = 0;

        for (int generation = 1; generation <= 2; generation++)
        {
            var plan = new PeerPlan { StepTimeout = TimeSpan.FromSeconds(10) }
                .Open("control", "PULL", bind: "tcp://127.0.0.1:*")
                .Open("main", "PUB", bind: ep)
                .PublishUntilTold("main", "control", B("A"))
                .Send("main", [TestFrame.Text("B-no")])
                .Send("main", [TestFrame.Text($"A-gen-{generation}")]);
            using var peer = LibzmqPeer.Start(plan);
            string controlEp = peer.WaitForLine("BOUND control ");
            control.Connect(controlEp);
            var first = sub.ReceiveMultipart();
            Assert.Equal("A", Encoding.ASCII.GetString(first[0]));
            control.Send("got it");
            ExpectAfterMarkers(sub, $"A-gen-{generation}");
            peer.WaitForSuccess();
            control.Disconnect(controlEp);
        }
    }

    /// <summary>A Zera XPUB sees the subscriptions of a libzmq SUB; a libzmq XPUB sees Zera's (as SUBSCRIBE commands
    /// or messages, whichever each sends), and the cancels.</summary>
    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public void SubscriptionsAreSeenAcrossImplementations(string transport)
    {
        using var ctx = new Context();
        using var xpub = ctx.CreateSocket(SocketType.XPub);
        xpub.Linger = 0;
        xpub.ReceiveTimeout = 10_000;
        string ep = InteropEndpoints.Bind(xpub, transport);
        var plan = new PeerPlan()
            .Open("sub", "SUB", connect: ep, subscribe: [B("weather")])
            .Open("xpub", "XPUB", bind: InteropEndpoints.ForBind(transport))
            .Receive("xpub")
            .Receive("xpub");
        using var peer = LibzmqPeer.Start(plan);
        Assert.Equal([1, .. "weather"u8], xpub.ReceiveBytes());

        using var sub = ctx.CreateSocket(SocketType.Sub);
        sub.Linger = 0;
        sub.Subscribe("zera-topic");
        sub.Connect(peer.WaitForLine("BOUND xpub "));
        var subscribed = peer.WaitForLine("RECV xpub ");
        Assert.Equal(TestFrame.Describe((byte[])[1, .. "zera-topic"u8]), subscribed);
        sub.Unsubscribe("zera-topic");
        var lines = peer.WaitForSuccess();
        Assert.Contains("RECV xpub " + TestFrame.Describe((byte[])[0, .. "zera-topic"u8]), lines);
    }

    /// <summary>Skips the publisher's markers (["A", n]) still in flight, then expects <paramref name="text"/>.</summary>
    private static void ExpectAfterMarkers(ZeraSocket sub, string text)
    {
        while (true)
        {
            var message = sub.ReceiveMultipart();
            if (message.Count == 2 && message[0].AsSpan().SequenceEqual("A"u8)) continue;
            Assert.Equal([text], message.Select(Encoding.ASCII.GetString));
            return;
        }
    }

    private static bool Dispose(Frame f)
    {
        f.Dispose();
        return true;
    }
}
