namespace Zera.IntegrationTests.Interop;

/// <summary>
/// Long runs of messages between Zera and libzmq with small high-water marks on both sides, so that each side keeps
/// filling up and holding the other back: every message must still arrive exactly once, in order and intact.
/// </summary>
public sealed class FlowControlInteropTests
{
    private const int Count = 20_000;
    private const int Size = 100;
    private const int HighWatermark = 10;

    [Theory]
    [InlineData("tcp", true, true)]
    [InlineData("tcp", true, false)]
    [InlineData("tcp", false, true)]
    [InlineData("tcp", false, false)]
    [InlineData("ipc", true, true)]
    [InlineData("ipc", false, false)]
    public void LongRunUnderHighWatermarkPressureArrivesInOrder(string transport, bool zeraSends, bool zeraBinds)
    {
        using var ctx = new Context();
        using var zera = ctx.CreateSocket(zeraSends ? SocketType.Push : SocketType.Pull);
        Conversation.Configure(zera);
        zera.SendHighWatermark = HighWatermark;
        zera.ReceiveHighWatermark = HighWatermark;
        string peerType = zeraSends ? "PULL" : "PUSH";

        var plan = new PeerPlan { StepTimeout = TimeSpan.FromSeconds(30) };
        if (zeraBinds)
            plan.Open("main", peerType, connect: InteropEndpoints.Bind(zera, transport), highWatermark: HighWatermark);
        else
            plan.Open("main", peerType, bind: InteropEndpoints.ForBind(transport), highWatermark: HighWatermark);
        if (zeraSends) plan.ReceiveSequence("main", Count, Size);
        else plan.SendSequence("main", Count, Size);

        using var peer = LibzmqPeer.Start(plan);
        if (!zeraBinds) zera.Connect(peer.WaitForLine("BOUND main "));
        if (zeraSends)
        {
            SequenceStream.Send(zera, Count, Size);
            var lines = peer.WaitForSuccess(TimeSpan.FromSeconds(40));
            Assert.Contains($"SEQ main OK {Count}", lines);
        }
        else
        {
            var problem = SequenceStream.Check(zera, Count, Size, Conversation.StepTimeout);
            Assert.True(problem is null, problem + peer.Transcript);
            peer.WaitForSuccess(TimeSpan.FromSeconds(40));
        }
    }
}
