using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>ZMQ_ROUTER_MANDATORY (libzmq's test_router_mandatory and test_router_mandatory_hwm): an unroutable
/// message fails with HostUnreachable instead of vanishing, and a full peer makes the send block instead of
/// dropping.</summary>
public class RouterMandatoryTests
{
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void UnknownPeerIsReportedOnlyWhenMandatory(string transport)
    {
        using var scope = new Scope();
        var router = scope.Bound(SocketType.Router, transport, out var ep);

        // Default: the message to nobody is accepted and dropped.
        Assert.False(router.RouterMandatory);
        Io.Send(router, "UNKNOWN", "DATA");

        router.RouterMandatory = true;
        var e = Assert.Throws<ZeraException>(() => router.TrySend(Io.B("UNKNOWN"), Io.Short, more: true));
        Assert.Equal(ErrorKind.HostUnreachable, e.Kind);

        var dealer = scope.Make(SocketType.Dealer);
        dealer.RoutingId = Io.B("X");
        dealer.Connect(ep);
        Io.Send(dealer, "Hello");
        Io.Expect(router, "X", "Hello");

        Io.Send(router, "X", "Hello back");
        Io.Expect(dealer, "Hello back");
    }

    /// <summary>A failed routing frame leaves no half message behind: the next message starts cleanly.</summary>
    [Fact]
    public void FailedSendLeavesTheSocketReadyForTheNextMessage()
    {
        using var scope = new Scope();
        var router = scope.Bound(SocketType.Router, "inproc", out var ep);
        router.RouterMandatory = true;
        var dealer = scope.Make(SocketType.Dealer);
        dealer.RoutingId = Io.B("X");
        dealer.Connect(ep);
        Io.Send(dealer, "up");
        Io.Expect(router, "X", "up");

        Assert.Throws<ZeraException>(() => router.TrySend(Io.B("NOPE"), Io.Short, more: true));
        Io.Send(router, "X", "first", "second");
        Io.Expect(dealer, "first", "second");
    }

    /// <summary>With the option on, a peer whose queue is full makes the send would-block; every message accepted
    /// arrives, and sending resumes once the peer reads.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void FullPeerBlocksInsteadOfDropping(string transport)
    {
        using var scope = new Scope();
        var router = scope.Make(SocketType.Router);
        router.RouterMandatory = true;
        router.SendHighWatermark = 1;
        router.SendBuffer = 8192;
        var ep = Endpoints.Bind(router, transport);
        var dealer = scope.Make(SocketType.Dealer);
        dealer.RoutingId = Io.B("X");
        dealer.ReceiveHighWatermark = 1;
        dealer.ReceiveBuffer = 8192;
        dealer.Connect(ep);
        Io.Send(dealer, "up");
        Io.Expect(router, "X", "up");

        var payload = new byte[4096];
        int sent = 0;
        while (sent < 5000)
        {
            if (!router.TrySend(Io.B("X"), more: true)) break;
            payload[0] = (byte)sent;
            Assert.True(router.TrySend(payload), "the body of a message whose routing frame was accepted must be accepted");
            sent++;
        }
        Assert.True(sent < 5000, "a peer that reads nothing never made the ROUTER block");
        if (transport == "inproc") Assert.Equal(2, sent); // 1 + 1: the two marks add up

        for (int i = 0; i < sent; i++) Assert.Equal((byte)i, Assert.Single(Io.ReceiveBytes(dealer))[0]);
        Io.ExpectNothing(dealer);
        Io.Send(router, "X", "after");
        Io.Expect(dealer, "after");
    }

    /// <summary>Without the option, a full peer does not block the ROUTER: what does not fit is dropped.</summary>
    [Fact]
    public void WithoutMandatoryAFullPeerDropsMessages()
    {
        using var scope = new Scope();
        var router = scope.Make(SocketType.Router);
        router.SendHighWatermark = 1;
        var ep = Endpoints.Bind(router, "inproc");
        var dealer = scope.Make(SocketType.Dealer);
        dealer.RoutingId = Io.B("X");
        dealer.ReceiveHighWatermark = 1;
        dealer.Connect(ep);
        Io.Send(dealer, "up");
        Io.Expect(router, "X", "up");

        for (int i = 0; i < 10; i++)
        {
            Assert.True(router.TrySend(Io.B("X"), more: true), $"message {i}: the routing frame would block");
            Assert.True(router.TrySend(Io.B($"m{i}")), $"message {i}: the body would block");
        }
        Io.Expect(dealer, "m0");
        Io.Expect(dealer, "m1");
        Io.ExpectNothing(dealer);
    }
}
