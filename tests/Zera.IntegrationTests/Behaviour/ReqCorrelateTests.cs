using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>ZMQ_REQ_CORRELATE (libzmq's test_req_correlate): each request carries a 4-byte request id before the
/// delimiter, and only a reply carrying the same id is accepted.</summary>
public class ReqCorrelateTests
{
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void ReplyWithTheWrongRequestIdIsDiscarded(string transport)
    {
        using var scope = new Scope();
        var router = scope.Bound(SocketType.Router, transport, out var ep);
        var req = scope.Make(SocketType.Req);
        req.ReqCorrelate = true;
        req.Connect(ep);

        Io.Send(req, "ABC", "DEF");
        var request = Io.ReceiveBytes(router);
        Assert.Equal(5, request.Count);
        byte[] peer = request[0], requestId = request[1];
        Assert.NotEmpty(peer);
        Assert.Equal(4, requestId.Length);
        Assert.Empty(request[2]);
        Assert.Equal(Io.B("ABC"), request[3]);
        Assert.Equal(Io.B("DEF"), request[4]);

        var wrongId = (byte[])requestId.Clone();
        wrongId[3] ^= 0xFF;
        Io.SendBytes(router, peer, wrongId, [], Io.B("DATA"));
        Io.SendBytes(router, peer, requestId, [], Io.B("GHI"));

        Io.Expect(req, "GHI");
    }

    /// <summary>Every new request gets a new id.</summary>
    [Fact]
    public void EachRequestGetsAFreshId()
    {
        using var scope = new Scope();
        var router = scope.Bound(SocketType.Router, "inproc", out var ep);
        var req = scope.Make(SocketType.Req);
        req.ReqCorrelate = true;
        req.Connect(ep);

        var ids = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            Io.Send(req, $"q{i}");
            var request = Io.Bounce(router);
            ids.Add(Convert.ToHexString(request[1]));
            Io.Expect(req, $"q{i}");
        }
        Assert.Equal(3, ids.Distinct().Count());
    }

    /// <summary>A reply without the request id (a plain REQ envelope) is not accepted by a correlating REQ.</summary>
    [Fact]
    public void ReplyWithoutARequestIdIsDiscarded()
    {
        using var scope = new Scope();
        var router = scope.Bound(SocketType.Router, "inproc", out var ep);
        var req = scope.Make(SocketType.Req);
        req.ReqCorrelate = true;
        req.Connect(ep);

        Io.Send(req, "question");
        var request = Io.ReceiveBytes(router);
        Io.SendBytes(router, request[0], [], Io.B("uncorrelated"));
        Io.SendBytes(router, request[0], request[1], [], Io.B("correlated"));
        Io.Expect(req, "correlated");
    }
}
