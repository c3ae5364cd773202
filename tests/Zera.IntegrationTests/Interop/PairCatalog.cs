namespace Zera.IntegrationTests.Interop;

/// <summary>Every socket pairing the interop suite checks, with Zera on either side of asymmetric ones.</summary>
internal static class PairCatalog
{
    /// <summary>The routing id Zera's socket announces (REQ, DEALER, ROUTER).</summary>
    public static readonly byte[] ZeraId = "zera-peer"u8.ToArray();

    /// <summary>The routing id the libzmq socket announces (REQ, DEALER, ROUTER).</summary>
    public static readonly byte[] LibzmqId = "libzmq-peer"u8.ToArray();

    private static readonly TestFrame[] None = [];
    private static readonly TestFrame Delimiter = TestFrame.Empty;
    private static readonly TestFrame Zid = TestFrame.Bytes(ZeraId);
    private static readonly TestFrame Lid = TestFrame.Bytes(LibzmqId);

    /// <summary>The message bodies a conversation carries, in order: multipart with an empty frame and frames either
    /// side of the 255-byte short/long header boundary, single frames, leading and lone empty frames.</summary>
    public static readonly TestFrame[][] Messages =
    [
        [TestFrame.Text("hello"), TestFrame.Empty, TestFrame.Generated(255, 1), TestFrame.Generated(256, 2), TestFrame.Text("end")],
        [TestFrame.Text("single")],
        [TestFrame.Empty, TestFrame.Text("after-empty")],
        [TestFrame.Empty],
        [TestFrame.Text("a"), TestFrame.Text("b"), TestFrame.Text("c"), TestFrame.Text("d")],
        [TestFrame.Generated(1000, 3)],
    ];

    private static Exchange ZeraToLibzmq(TestFrame[]? send = null, TestFrame[]? receive = null, bool retry = false) =>
        new(true, send ?? None, receive ?? None, retry);

    private static Exchange LibzmqToZera(TestFrame[]? send = null, TestFrame[]? receive = null) =>
        new(false, send ?? None, receive ?? None);

    /// <summary>All pairings, by name.</summary>
    public static readonly IReadOnlyList<PairCase> All =
    [
        new("PUSH-to-PULL", SocketType.Push, "PULL", [ZeraToLibzmq()]),
        new("PULL-from-PUSH", SocketType.Pull, "PUSH", [LibzmqToZera()]),
        new("PAIR-PAIR", SocketType.Pair, "PAIR", [ZeraToLibzmq(), LibzmqToZera()]),
        new("DEALER-DEALER", SocketType.Dealer, "DEALER", [ZeraToLibzmq(), LibzmqToZera()]),
        new("REQ-to-REP", SocketType.Req, "REP", [ZeraToLibzmq(), LibzmqToZera()]),
        new("REP-from-REQ", SocketType.Rep, "REQ", [LibzmqToZera(), ZeraToLibzmq()]),
        new("DEALER-to-ROUTER", SocketType.Dealer, "ROUTER", [ZeraToLibzmq(receive: [Zid]), LibzmqToZera(send: [Zid])]),
        new("ROUTER-from-DEALER", SocketType.Router, "DEALER", [LibzmqToZera(receive: [Lid]), ZeraToLibzmq(send: [Lid])]),
        new("REQ-to-ROUTER", SocketType.Req, "ROUTER", [ZeraToLibzmq(receive: [Zid, Delimiter]), LibzmqToZera(send: [Zid, Delimiter])]),
        new("ROUTER-from-REQ", SocketType.Router, "REQ", [LibzmqToZera(receive: [Lid, Delimiter]), ZeraToLibzmq(send: [Lid, Delimiter])]),
        new("DEALER-to-REP", SocketType.Dealer, "REP", [ZeraToLibzmq(send: [Delimiter]), LibzmqToZera(receive: [Delimiter])]),
        new("REP-from-DEALER", SocketType.Rep, "DEALER", [LibzmqToZera(send: [Delimiter]), ZeraToLibzmq(receive: [Delimiter])]),
        new("ROUTER-ROUTER", SocketType.Router, "ROUTER", [ZeraToLibzmq(send: [Lid], receive: [Zid], retry: true), LibzmqToZera(send: [Zid], receive: [Lid])]),
    ];

    /// <summary>The pairing called <paramref name="name"/>.</summary>
    public static PairCase Get(string name) => All.Single(p => p.Name == name);

    /// <summary>True for the types that announce a routing id (and so get one set in the tests).</summary>
    public static bool HasRoutingId(SocketType type) => type is SocketType.Req or SocketType.Dealer or SocketType.Router;

    /// <summary>The same, for a libzmq type name.</summary>
    public static bool HasRoutingId(string libzmqType) => libzmqType is "REQ" or "DEALER" or "ROUTER";
}
