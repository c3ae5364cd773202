using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Interop;

/// <summary>
/// A scripted exchange of messages between one Zera socket and one libzmq socket: the libzmq half goes into the
/// peer's <see cref="PeerPlan"/>, the Zera half runs on the test thread, and each side's blocking receives keep the
/// two in step. Afterwards, what the peer reported receiving is compared with what Zera sent.
/// </summary>
internal sealed class Conversation
{
    /// <summary>How long Zera waits for any one message (the peer uses the plan's step timeout).</summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(10);

    private readonly List<(Exchange Exchange, TestFrame[] Body)> _steps = [];

    /// <summary>A conversation of <paramref name="pair"/>'s round repeated over <paramref name="messages"/>, one
    /// body per exchange (rounds repeat until every message was used once).</summary>
    public static Conversation For(PairCase pair, IReadOnlyList<TestFrame[]> messages)
    {
        var c = new Conversation();
        for (int i = 0; i < messages.Count; i++)
            c._steps.Add((pair.Round[i % pair.Round.Length], messages[i]));
        return c;
    }

    /// <summary>Applies the options every Zera socket in these tests uses: bounded blocking, no linger, and the
    /// routing id and ROUTER_MANDATORY where they apply.</summary>
    public static void Configure(ZeraSocket zera)
    {
        zera.Linger = 0;
        zera.SendTimeout = (int)StepTimeout.TotalMilliseconds;
        zera.ReceiveTimeout = (int)StepTimeout.TotalMilliseconds;
        if (PairCatalog.HasRoutingId(zera.Type)) zera.RoutingId = PairCatalog.ZeraId;
        if (zera.Type == SocketType.Router) zera.RouterMandatory = true;
    }

    /// <summary>Adds an <c>open</c> step for the libzmq socket <paramref name="sock"/> of <paramref name="type"/>,
    /// with the routing id and ROUTER_MANDATORY where they apply.</summary>
    public static PeerPlan OpenPeer(PeerPlan plan, string sock, string type, string? bind = null, string? connect = null, bool monitor = false, bool discard = false) =>
        plan.Open(sock, type, bind: bind, connect: connect,
            routingId: PairCatalog.HasRoutingId(type) ? PairCatalog.LibzmqId : null,
            routerMandatory: type == "ROUTER", monitor: monitor, discard: discard);

    /// <summary>Appends the libzmq half to <paramref name="plan"/>, on its socket <paramref name="sock"/>.</summary>
    public void AddPeerSteps(PeerPlan plan, string sock)
    {
        foreach (var (exchange, body) in _steps)
        {
            if (exchange.FromZera) plan.Receive(sock);
            else plan.Send(sock, [.. exchange.SendEnvelope, .. body]);
        }
    }

    /// <summary>Runs the Zera half on <paramref name="zera"/>: sends, and receives checking every frame.</summary>
    public void RunZeraSide(ZeraSocket zera, LibzmqPeer peer)
    {
        int n = 0;
        foreach (var (exchange, body) in _steps)
        {
            n++;
            if (exchange.FromZera) SendFromZera(zera, peer, exchange, body, n);
            else ReceiveAtZera(zera, peer, [.. exchange.ReceiveEnvelope, .. body], n);
        }
    }

    /// <summary>Waits for the peer to finish and checks that it received exactly what Zera sent, in order.</summary>
    public void CheckPeerReceived(LibzmqPeer peer, string sock)
    {
        var lines = peer.WaitForSuccess();
        var expected = _steps.Where(s => s.Exchange.FromZera)
            .Select(s => TestFrame.Describe([.. s.Exchange.ReceiveEnvelope, .. s.Body])).ToList();
        var received = LibzmqPeer.Received(lines, sock);
        Assert.True(expected.SequenceEqual(received),
            $"libzmq received other messages than Zera sent.\nexpected:\n  {string.Join("\n  ", expected)}\nreceived:\n  {string.Join("\n  ", received)}{peer.Transcript}");
    }

    private static void SendFromZera(ZeraSocket zera, LibzmqPeer peer, Exchange exchange, TestFrame[] body, int n)
    {
        var frames = exchange.SendEnvelope.Concat(body).Select(f => f.ToBytes()).ToList();
        try
        {
            if (exchange.RetryUnroutable)
                Wait.Until(() => TrySendRouted(zera, frames), $"Zera's message {n} to become routable", StepTimeout);
            else
                zera.SendMultipart(frames);
        }
        catch (ZeraException e)
        {
            Assert.Fail($"Zera could not send message {n}: {e.Kind}: {e.Message}{peer.Transcript}");
        }
    }

    private static bool TrySendRouted(ZeraSocket zera, List<byte[]> frames)
    {
        try
        {
            zera.SendMultipart(frames);
            return true;
        }
        catch (ZeraException e) when (e.Kind == ErrorKind.HostUnreachable)
        {
            return false;
        }
    }

    private static void ReceiveAtZera(ZeraSocket zera, LibzmqPeer peer, TestFrame[] expected, int n)
    {
        if (!zera.TryReceiveMultipart(StepTimeout, out var parts))
            Assert.Fail($"Zera received nothing within {StepTimeout.TotalSeconds:F0} s for message {n}; expected {TestFrame.Describe(expected)}{peer.Transcript}");
        Assert.Equal(TestFrame.Describe(expected), TestFrame.Describe(parts));
    }
}
