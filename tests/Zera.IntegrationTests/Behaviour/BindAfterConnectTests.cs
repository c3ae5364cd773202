using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>Connecting before anyone binds (libzmq's test_bind_after_connect_tcp and the connect-first cases of
/// test_inproc_connect): the connection is made when the bind happens, and what was sent before arrives.</summary>
public class BindAfterConnectTests
{
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void MessagesSentBeforeTheBindArrive(string transport)
    {
        using var scope = new Scope();
        string ep = Io.Unbound(transport);
        var client = scope.Connected(SocketType.Dealer, ep);
        Assert.True(client.TrySend(Io.B("foobar")), "a connecting DEALER queues before the peer exists");
        Assert.True(client.TrySend(Io.B("baz"), more: true));
        Assert.True(client.TrySend(Io.B("quux")));

        var server = scope.Make(SocketType.Dealer);
        server.Bind(ep);
        Io.Expect(server, "foobar");
        Io.Expect(server, "baz", "quux");

        Io.Send(server, "reply");
        Io.Expect(client, "reply");
    }

    /// <summary>Several sockets connecting first are all joined by the later bind.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void SeveralEarlyConnectionsAreAllJoined(string transport)
    {
        using var scope = new Scope();
        string ep = Io.Unbound(transport);
        const int clients = 10;
        for (int i = 0; i < clients; i++)
        {
            var push = scope.Connected(SocketType.Push, ep);
            Assert.True(push.TrySend(Io.B($"from {i}")));
        }

        var pull = scope.Make(SocketType.Pull);
        pull.Bind(ep);
        var got = Enumerable.Range(0, clients).Select(_ => Assert.Single(Io.Receive(pull))).Order().ToList();
        Assert.Equal(Enumerable.Range(0, clients).Select(i => $"from {i}").Order(), got);
    }

    /// <summary>A REQ that connects first can send its request at once; the REP that binds later answers it.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void EarlyRequestIsAnswered(string transport)
    {
        using var scope = new Scope();
        string ep = Io.Unbound(transport);
        var req = scope.Connected(SocketType.Req, ep);
        Assert.True(req.TrySend(Io.B("early question")));

        var rep = scope.Make(SocketType.Rep);
        rep.Bind(ep);
        Io.Expect(rep, "early question");
        Io.Send(rep, "late answer");
        Io.Expect(req, "late answer");
    }
}
