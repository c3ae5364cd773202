using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>ZMQ_REQ_RELAXED, with ZMQ_REQ_CORRELATE as libzmq's test_req_relaxed uses them: a REQ may send a new
/// request before the reply to the last one came, and only the reply to the newest request is delivered.</summary>
public class ReqRelaxedTests
{
    private static ZeraSocket RelaxedReq(Scope scope)
    {
        var req = scope.Make(SocketType.Req);
        req.ReqRelaxed = true;
        req.ReqCorrelate = true;
        return req;
    }

    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void NewRequestSupersedesTheUnansweredOne(string transport)
    {
        using var scope = new Scope();
        const int services = 5;
        var req = RelaxedReq(scope);
        var reps = new ZeraSocket[services];
        for (int i = 0; i < services; i++)
        {
            reps[i] = scope.Bound(SocketType.Rep, transport, out var ep);
            req.Connect(ep);
        }

        // A second request before the first reply arrived; the late first reply is thrown away.
        Io.Send(req, "A", "B");
        Io.Expect(reps[0], "A", "B");
        Io.Send(req, "C", "D");
        Io.Expect(reps[1], "C", "D");
        Io.Send(reps[0], "WRONG");
        Io.Send(reps[1], "OK");
        Io.Expect(req, "OK");

        // An ordinary cycle still works.
        Io.Send(req, "E");
        Io.Expect(reps[2], "E");
        Io.Send(reps[2], "F", "G");
        Io.Expect(req, "F", "G");

        // A second request when the first reply is already waiting: that reply is not delivered either.
        Io.Send(req, "H");
        Io.Expect(reps[3], "H");
        Io.Send(reps[3], "BAD");
        Io.Send(req, "I");
        Io.Expect(reps[4], "I");
        Io.Send(reps[4], "GOOD");
        Io.Expect(req, "GOOD");

        // Superseding a request does not drop its peer: the round robin comes back to the first service
        // (libzmq issue 1690).
        Io.Send(req, "J");
        Io.Expect(reps[0], "J");
    }

    /// <summary>Requests piled up before any service was there: the service answers all of them, and the REQ
    /// delivers only the answer to the last (libzmq issue 1695).</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void OnlyTheAnswerToTheLastQueuedRequestIsDelivered(string transport)
    {
        using var scope = new Scope();
        string ep = Io.Unbound(transport);
        var req = RelaxedReq(scope);
        req.Connect(ep);
        Io.Send(req, "TO_BE_DISCARDED");
        Io.Send(req, "TO_BE_ANSWERED");

        var router = scope.Make(SocketType.Router);
        router.Bind(ep);
        Io.Bounce(router);
        Io.Bounce(router);

        Io.Expect(req, "TO_BE_ANSWERED");
    }

    /// <summary>Relaxed alone (without correlation) also allows the second request and ignores the other peer's
    /// late reply.</summary>
    [Fact]
    public void RelaxedWithoutCorrelateIgnoresTheOldPeer()
    {
        using var scope = new Scope();
        var req = scope.Make(SocketType.Req);
        req.ReqRelaxed = true;
        var first = scope.Bound(SocketType.Rep, "inproc", out var ep1);
        var second = scope.Bound(SocketType.Rep, "inproc", out var ep2);
        req.Connect(ep1);
        req.Connect(ep2);

        Io.Send(req, "one");
        Io.Expect(first, "one");
        Io.Send(req, "two");
        Io.Expect(second, "two");
        Io.Send(first, "late");
        Io.Send(second, "current");
        Io.Expect(req, "current");
    }

    /// <summary>Without the option, the second send is refused (the default strict alternation).</summary>
    [Fact]
    public void StrictByDefault()
    {
        using var scope = new Scope();
        var req = scope.Make(SocketType.Req);
        Assert.False(req.ReqRelaxed);
        Assert.False(req.ReqCorrelate);
        scope.Bound(SocketType.Rep, "inproc", out var ep);
        req.Connect(ep);
        Io.Send(req, "one");
        var e = Assert.Throws<ZeraException>(() => req.TrySend(Io.B("two"), Io.Short));
        Assert.Equal(ErrorKind.InvalidState, e.Kind);
    }
}
