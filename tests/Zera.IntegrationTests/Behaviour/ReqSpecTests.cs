using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>REQ as RFC 28 specifies it (libzmq's test_spec_req).</summary>
public class ReqSpecTests
{
    /// <summary>Requests go to the connected services in turn, and each reply comes back from the one asked.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void RequestsAreSpreadRoundRobinOverTheServices(string transport)
    {
        using var scope = new Scope();
        const int services = 5;
        var reps = new ZeraSocket[services];
        var req = scope.Make(SocketType.Req);
        for (int i = 0; i < services; i++)
        {
            reps[i] = scope.Bound(SocketType.Rep, transport, out var ep);
            req.Connect(ep);
        }

        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < services; i++)
            {
                Io.Send(req, $"request {round}.{i}");
                Io.Expect(reps[i], $"request {round}.{i}");
                Io.Send(reps[i], $"reply {round}.{i}");
                Io.Expect(req, $"reply {round}.{i}");
            }
        }
    }

    /// <summary>A REQ hands the application only the reply of the peer it sent the request to; messages from the
    /// other peers are discarded.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void OnlyTheAddressedPeerCanReply(string transport)
    {
        using var scope = new Scope();
        const int services = 3;
        var req = scope.Make(SocketType.Req);
        req.RoutingId = Io.B("A");
        var routers = new ZeraSocket[services];
        for (int i = 0; i < services; i++)
        {
            routers[i] = scope.Bound(SocketType.Router, transport, out var ep);
            routers[i].RouterMandatory = true;
            req.Connect(ep);
        }

        for (int i = 0; i < services; i++)
        {
            Io.Send(req, "ABC");
            Io.Expect(routers[i], "A", "", "ABC");
            // Peers asked earlier answer out of turn first; they are never asked again in this test, so a late
            // arrival cannot be mistaken for a later reply.
            for (int j = 0; j < i; j++) Io.Send(routers[j], "A", "", "WRONG");
            Io.Send(routers[i], "A", "", "GOOD");
            Io.Expect(req, "GOOD");
        }
    }

    /// <summary>On the wire a request is an empty delimiter frame followed by the body; the reply to a REQ needs the
    /// same delimiter and the REQ strips it.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void RequestsCarryAnEmptyDelimiter(string transport)
    {
        using var scope = new Scope();
        var req = scope.Bound(SocketType.Req, transport, out var ep);
        var router = scope.Connected(SocketType.Router, ep);

        // The REQ has no peer until the ROUTER's connection is up: this send waits for it.
        Io.Send(req, "ABC", "DEF");

        var request = Io.ReceiveBytes(router);
        Assert.Equal(4, request.Count);
        Assert.NotEmpty(request[0]); // the routing id the ROUTER gave the REQ
        Assert.Empty(request[1]);    // the delimiter
        Assert.Equal("ABC", System.Text.Encoding.UTF8.GetString(request[2]));
        Assert.Equal("DEF", System.Text.Encoding.UTF8.GetString(request[3]));

        Io.SendBytes(router, request[0], [], Io.B("GHI"));
        var reply = Io.Receive(req);
        Assert.Equal(["GHI"], reply);
    }

    /// <summary>With no peer, a REQ cannot send: a non-blocking send fails, a timed one times out.</summary>
    [Fact]
    public void SendingWithoutPeersBlocks()
    {
        using var scope = new Scope();
        var req = scope.Make(SocketType.Req);
        Assert.False(req.TrySend(Io.B("x")));
        Assert.False(req.TrySend(Io.B("x"), TimeSpan.FromMilliseconds(100)));
        req.SendTimeout = 100;
        var e = Assert.Throws<ZeraException>(() => req.Send("x"));
        Assert.Equal(ErrorKind.WouldBlock, e.Kind);
    }

    /// <summary>A REQ must alternate: a second request before the reply is refused with InvalidState (EFSM).</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void SendingTwiceInARowIsRefused(string transport)
    {
        using var scope = new Scope();
        var rep = scope.Bound(SocketType.Rep, transport, out var ep);
        var req = scope.Connected(SocketType.Req, ep);
        Io.Send(req, "first");
        var e = Assert.Throws<ZeraException>(() => req.TrySend(Io.B("second"), Io.Short));
        Assert.Equal(ErrorKind.InvalidState, e.Kind);

        // The refused request changed nothing: the cycle completes normally.
        Io.Expect(rep, "first");
        Io.Send(rep, "answer");
        Io.Expect(req, "answer");
        Io.Send(req, "next");
        Io.Expect(rep, "next");
    }

    /// <summary>A REQ must send before it may receive.</summary>
    [Fact]
    public void ReceivingBeforeSendingIsRefused()
    {
        using var scope = new Scope();
        var req = scope.Bound(SocketType.Req, "inproc", out _);
        var e = Assert.Throws<ZeraException>(() => req.TryReceive(out _, Io.Short));
        Assert.Equal(ErrorKind.InvalidState, e.Kind);
    }
}
