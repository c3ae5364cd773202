namespace Zera.IntegrationTests.Interop;

/// <summary>
/// 10 MB messages between Zera and libzmq: PUSH to PULL in both directions, over tcp with either side binding and
/// over ipc. The content is position-dependent (see <see cref="TestFrame.Generated"/>), so any corruption, loss or
/// reordering inside a frame is caught by the SHA-256 comparison.
/// </summary>
public sealed class LargeMessageInteropTests
{
    private const int TenMegabytes = 10 * 1024 * 1024;

    private static readonly TestFrame[][] Messages =
    [
        [TestFrame.Generated(TenMegabytes, 7), TestFrame.Text("tail")],
        [TestFrame.Generated(TenMegabytes + 3, 9)],
        [TestFrame.Text("after the big ones")],
    ];

    [Theory]
    [InlineData("tcp", true, true)]
    [InlineData("tcp", true, false)]
    [InlineData("tcp", false, true)]
    [InlineData("tcp", false, false)]
    [InlineData("ipc", true, false)]
    [InlineData("ipc", false, true)]
    public void TenMegabyteMessagesArriveIntact(string transport, bool zeraSends, bool zeraBinds)
    {
        var pair = PairCatalog.Get(zeraSends ? "PUSH-to-PULL" : "PULL-from-PUSH");
        var conversation = Conversation.For(pair, Messages);
        using var ctx = new Context();
        using var zera = ctx.CreateSocket(pair.Zera);
        Conversation.Configure(zera);

        var plan = new PeerPlan { StepTimeout = TimeSpan.FromSeconds(20) };
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
