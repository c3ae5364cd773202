namespace Zera.IntegrationTests.Interop;

/// <summary>
/// Zera against real libzmq (4.3, through pyzmq) for every compatible socket pairing, over tcp and ipc (and some
/// over abstract-namespace ipc), with Zera binding and libzmq connecting and the other way round. Each case runs one
/// libzmq peer process through a scripted conversation and checks every frame both ways: content, frame boundaries,
/// multipart messages with empty frames, routing ids and REQ/REP envelopes.
/// </summary>
public sealed class SocketPairInteropTests
{
    /// <summary>Every pairing × tcp and ipc × which side binds, and a few pairings over abstract ipc.</summary>
    public static TheoryData<string, string, bool> Cases()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var pair in PairCatalog.All)
            foreach (var transport in new[] { "tcp", "ipc" })
                foreach (var zeraBinds in new[] { true, false })
                    data.Add(pair.Name, transport, zeraBinds);
        foreach (var pair in new[] { "PUSH-to-PULL", "PULL-from-PUSH", "DEALER-to-ROUTER", "PAIR-PAIR" })
            foreach (var zeraBinds in new[] { true, false })
                data.Add(pair, "ipc-abstract", zeraBinds);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConversationIsDeliveredIntactBothWays(string pairName, string transport, bool zeraBinds)
    {
        var pair = PairCatalog.Get(pairName);
        var conversation = Conversation.For(pair, PairCatalog.Messages);
        using var ctx = new Context();
        using var zera = ctx.CreateSocket(pair.Zera);
        Conversation.Configure(zera);

        var plan = new PeerPlan();
        if (zeraBinds)
            Conversation.OpenPeer(plan, "main", pair.Libzmq, connect: InteropEndpoints.Bind(zera, transport));
        else
            Conversation.OpenPeer(plan, "main", pair.Libzmq, bind: InteropEndpoints.ForBind(transport));
        conversation.AddPeerSteps(plan, "main");

        using var peer = LibzmqPeer.Start(plan);
        if (!zeraBinds) zera.Connect(peer.WaitForLine("BOUND main "));
        conversation.RunZeraSide(zera, peer);
        conversation.CheckPeerReceived(peer, "main");
    }
}
