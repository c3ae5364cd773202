using Zera.IntegrationTests.Behaviour;

namespace Zera.IntegrationTests.Interop;

/// <summary>
/// A subscription inside a multipart message, between XSUB and XPUB of the two implementations: libzmq (without
/// ONLY_FIRST_SUBSCRIBE) takes every frame that starts with 1 or 0 as a subscription or cancel, wherever it stands,
/// and so does Zera, so the data frame before it reaches the XPUB's user and the subscription is applied.
/// </summary>
public sealed class MultipartSubscriptionInteropTests
{
    private static readonly byte[] s_subscribeBC = [1, .. "BC"u8];

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public void LibzmqXSubToZeraXPub(string transport)
    {
        using var ctx = new Context();
        using var xpub = ctx.CreateSocket(SocketType.XPub);
        xpub.Linger = 0;
        string ep = InteropEndpoints.Bind(xpub, transport);
        var plan = new PeerPlan()
            .Open("xsub", "XSUB", connect: ep)
            .Send("xsub", [TestFrame.Text("ABC"), TestFrame.Bytes(s_subscribeBC)])
            .Receive("xsub");
        using var peer = LibzmqPeer.Start(plan);

        Assert.Equal([Io.B("ABC"), s_subscribeBC], Io.ReceiveBytes(xpub, TimeSpan.FromSeconds(10)));
        xpub.Send("ZZ not subscribed");
        xpub.Send("BC data");
        var lines = peer.WaitForSuccess();
        Assert.Equal([TestFrame.Describe("BC data"u8)], LibzmqPeer.Received(lines, "xsub"));
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public void ZeraXSubToLibzmqXPub(string transport)
    {
        using var ctx = new Context();
        using var xsub = ctx.CreateSocket(SocketType.XSub);
        xsub.Linger = 0;
        var plan = new PeerPlan()
            .Open("xpub", "XPUB", bind: InteropEndpoints.ForBind(transport))
            .Receive("xpub")
            .Send("xpub", [TestFrame.Text("ZZ not subscribed")])
            .Send("xpub", [TestFrame.Text("BC data")]);
        using var peer = LibzmqPeer.Start(plan);
        xsub.Connect(peer.WaitForLine("BOUND xpub "));
        Io.SendBytes(xsub, Io.B("ABC"), s_subscribeBC);

        Io.Expect(xsub, "BC data"); // libzmq applied the subscription it found in the message's second frame
        var lines = peer.WaitForSuccess();
        Assert.Equal([TestFrame.Describe("ABC"u8) + " " + TestFrame.Describe(s_subscribeBC)], LibzmqPeer.Received(lines, "xpub"));
    }
}
