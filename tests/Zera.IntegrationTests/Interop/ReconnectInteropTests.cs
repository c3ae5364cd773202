using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Interop;

/// <summary>
/// A libzmq peer that goes away and comes back: Zera, connected to the peer's endpoint, reconnects on its own to the
/// new process bound at the same address (announcing its routing id again, so a ROUTER can reach it), and Zera,
/// bound, serves a fresh connecting peer after the first one left.
/// </summary>
public sealed class ReconnectInteropTests
{
    /// <summary>The libzmq sockets that send to Zera first: PUSH to a Zera PULL, ROUTER (by Zera's routing id) to a
    /// Zera DEALER.</summary>
    [Theory]
    [InlineData("PUSH", "tcp")]
    [InlineData("PUSH", "ipc")]
    [InlineData("ROUTER", "tcp")]
    [InlineData("ROUTER", "ipc")]
    public void ZeraReconnectsToARestartedPeer(string peerType, string transport)
    {
        using var ctx = new Context();
        using var zera = ctx.CreateSocket(peerType == "PUSH" ? SocketType.Pull : SocketType.Dealer);
        Conversation.Configure(zera);
        zera.ReconnectInterval = 50;

        string bindAt = InteropEndpoints.ForBind(transport);
        string endpoint;
        using (var first = LibzmqPeer.Start(PlanFor(peerType, bindAt, "first life")))
        {
            endpoint = first.WaitForLine("BOUND main ");
            zera.Connect(endpoint);
            ExpectText(zera, first, "first life");
            first.WaitForSuccess();
        }

        // The same address again (the real port, for tcp), in a new process.
        using var second = LibzmqPeer.Start(PlanFor(peerType, endpoint, "second life"));
        Assert.Equal(endpoint, second.WaitForLine("BOUND main "));
        ExpectText(zera, second, "second life");
        second.WaitForSuccess();
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public void BoundZeraServesAPeerThatReconnects(string transport)
    {
        using var ctx = new Context();
        using var pull = ctx.CreateSocket(SocketType.Pull);
        Conversation.Configure(pull);
        string endpoint = Endpoints.Bind(pull, transport);
        foreach (var life in new[] { "first life", "second life", "third life" })
        {
            using var peer = LibzmqPeer.Start(new PeerPlan().Open("main", "PUSH", connect: endpoint).Send("main", [TestFrame.Text(life)]));
            ExpectText(pull, peer, life);
            peer.WaitForSuccess();
        }
    }

    private static PeerPlan PlanFor(string peerType, string bind, string text)
    {
        var plan = Conversation.OpenPeer(new PeerPlan(), "main", peerType, bind: bind);
        // A ROUTER can only send once Zera's (re)connection is complete: it retries until Zera's id is routable.
        return peerType == "ROUTER"
            ? plan.Send("main", [TestFrame.Bytes(PairCatalog.ZeraId), TestFrame.Text(text)], retryUnroutable: true)
            : plan.Send("main", [TestFrame.Text(text)]);
    }

    private static void ExpectText(ZeraSocket zera, LibzmqPeer peer, string text)
    {
        Assert.True(zera.TryReceiveString(Conversation.StepTimeout, out var got), $"Zera did not receive '{text}'{peer.Transcript}");
        Assert.Equal(text, got);
        Assert.False(zera.ReceiveMore);
    }
}
