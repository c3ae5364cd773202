using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Interop;

/// <summary>
/// A libzmq socket of a type Zera's socket must not talk to (e.g. PUB or DEALER to a PULL, PUSH to a PUSH) is
/// refused in the handshake: nothing it queued is delivered, and the same Zera socket then serves a compatible
/// libzmq peer normally. Both with Zera binding (the bad peer connects first) and Zera connecting (to the bad peer's
/// endpoint first, with IMMEDIATE so nothing queues for a connection that never completes).
/// </summary>
public sealed class IncompatiblePeerInteropTests
{
    private static readonly TestFrame[][] Messages =
    [
        [TestFrame.Text("healthy"), TestFrame.Empty, TestFrame.Text("x")],
        [TestFrame.Text("second")],
    ];

    private static readonly string[] EndOfHandshake =
        ["HANDSHAKE_FAILED_PROTOCOL", "HANDSHAKE_FAILED_NO_DETAIL", "DISCONNECTED", "HANDSHAKE_SUCCEEDED"];

    /// <summary>(compatible pairing, incompatible libzmq type) × which side binds.</summary>
    public static TheoryData<string, string, bool> Cases()
    {
        (string Pair, string Bad)[] combos =
        [
            ("PULL-from-PUSH", "PUB"),
            ("PULL-from-PUSH", "DEALER"),
            ("PUSH-to-PULL", "PUSH"),
            ("REP-from-REQ", "PUSH"),
            ("PAIR-PAIR", "DEALER"),
            ("ROUTER-from-DEALER", "PAIR"),
            ("DEALER-to-ROUTER", "PULL"),
            ("REQ-to-REP", "DEALER"),
        ];
        var data = new TheoryData<string, string, bool>();
        foreach (var (pair, bad) in combos)
        {
            data.Add(pair, bad, true);
            data.Add(pair, bad, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void IncompatiblePeerIsRefusedAndZeraStaysHealthy(string pairName, string badType, bool zeraBinds)
    {
        var pair = PairCatalog.Get(pairName);
        var conversation = Conversation.For(pair, Messages);
        using var ctx = new Context();
        using var zera = ctx.CreateSocket(pair.Zera);
        Conversation.Configure(zera);
        zera.Immediate = true;

        var plan = new PeerPlan();
        if (zeraBinds)
        {
            string endpoint = Endpoints.Bind(zera, "tcp");
            Conversation.OpenPeer(plan, "bad", badType, connect: endpoint, monitor: true, discard: true);
            // libzmq queues this for the connection in progress; it must never come out of Zera.
            if (badType is not "PULL") plan.TrySend("bad", [TestFrame.Text("from-incompatible-peer")]);
            plan.AwaitEvent("bad", EndOfHandshake);
            Conversation.OpenPeer(plan, "good", pair.Libzmq, connect: endpoint);
        }
        else
        {
            Conversation.OpenPeer(plan, "bad", badType, bind: "tcp://127.0.0.1:*", monitor: true, discard: true);
            plan.AwaitEvent("bad", EndOfHandshake);
            Conversation.OpenPeer(plan, "good", pair.Libzmq, bind: "tcp://127.0.0.1:*");
        }
        conversation.AddPeerSteps(plan, "good");

        using var peer = LibzmqPeer.Start(plan);
        if (!zeraBinds)
        {
            zera.Connect(peer.WaitForLine("BOUND bad "));
            zera.Connect(peer.WaitForLine("BOUND good "));
        }
        conversation.RunZeraSide(zera, peer);
        conversation.CheckPeerReceived(peer, "good");

        string ending = peer.WaitForLine("EVENT bad ");
        Assert.NotEqual("HANDSHAKE_SUCCEEDED", ending);
        if (pair.Zera is not SocketType.Push and not SocketType.Req)
        {
            bool stray = zera.TryReceive(out var f, TimeSpan.FromMilliseconds(300));
            Assert.False(stray, $"Zera delivered an unexpected frame {f}{peer.Transcript}");
        }
    }
}
