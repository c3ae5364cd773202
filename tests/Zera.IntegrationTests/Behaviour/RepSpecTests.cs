using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>REP as RFC 28 specifies it (libzmq's test_spec_rep).</summary>
public class RepSpecTests
{
    /// <summary>A REP serves requests from all its clients, one at a time, and each reply reaches the client that
    /// asked.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void ServesEveryClientAndRepliesToTheOneThatAsked(string transport)
    {
        using var scope = new Scope();
        const int clients = 5;
        var rep = scope.Bound(SocketType.Rep, transport, out var ep);
        var reqs = new ZeraSocket[clients];
        for (int i = 0; i < clients; i++) reqs[i] = scope.Connected(SocketType.Req, ep);

        // The same client twice in a row.
        for (int n = 0; n < 2; n++)
        {
            Io.Send(reqs[0], "A");
            Io.Expect(rep, "A");
            Io.Send(rep, "A");
            Io.Expect(reqs[0], "A");
        }

        // Every client at once: the REP sees each request once, and echoes it back to its sender.
        for (int i = 0; i < clients; i++) Io.Send(reqs[i], $"from {i}");
        var seen = new HashSet<string>();
        for (int i = 0; i < clients; i++)
        {
            var request = Assert.Single(Io.Receive(rep));
            Assert.True(seen.Add(request), $"request '{request}' was delivered twice");
            Io.Send(rep, request);
        }
        for (int i = 0; i < clients; i++) Io.Expect(reqs[i], $"from {i}");
    }

    /// <summary>The address envelope of a request (everything up to and including the empty delimiter) is hidden
    /// from the application and put back in front of the reply.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void EnvelopeIsStrippedAndRestored(string transport)
    {
        using var scope = new Scope();
        var rep = scope.Bound(SocketType.Rep, transport, out var ep);
        var dealer = scope.Connected(SocketType.Dealer, ep);

        // Minimal envelope: just the delimiter.
        Io.Send(dealer, "", "A");
        Io.Expect(rep, "A");
        Io.Send(rep, "B");
        Io.Expect(dealer, "", "B");

        // A deeper envelope, as a chain of proxies would build it.
        Io.Send(dealer, "X", "Y", "", "C");
        Io.Expect(rep, "C");
        Io.Send(rep, "D", "E");
        Io.Expect(dealer, "X", "Y", "", "D", "E");
    }

    /// <summary>Through a broker (ROUTER in front, DEALER behind), the REP's reply comes back under exactly the
    /// envelope of the request, several address frames included, so the broker can route it to the client.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void ReplyTravelsBackUnderTheRequestEnvelope(string transport)
    {
        using var scope = new Scope();
        var frontend = scope.Bound(SocketType.Router, transport, out var front);
        var backend = scope.Bound(SocketType.Dealer, transport, out var back);
        var client = scope.Connected(SocketType.Req, front);
        var service = scope.Connected(SocketType.Rep, back);

        Io.Send(client, "question");
        var request = Io.ReceiveBytes(frontend);
        Assert.Equal(3, request.Count);
        Assert.Empty(request[1]);

        // The broker adds an address frame of its own in front of the client's envelope.
        Io.SendBytes(backend, [Io.B("hop"), .. request]);
        Io.Expect(service, "question");
        Io.Send(service, "answer");

        var reply = Io.ReceiveBytes(backend);
        Assert.Equal(4, reply.Count);
        Assert.Equal(Io.B("hop"), reply[0]);
        Assert.Equal(request[0], reply[1]);
        Assert.Empty(reply[2]);
        Assert.Equal(Io.B("answer"), reply[3]);

        Io.SendBytes(frontend, [.. reply.Skip(1)]);
        Io.Expect(client, "answer");
    }

    /// <summary>A message without the empty delimiter is not a request: the REP drops it and serves the next one.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void MessageWithoutDelimiterIsDropped(string transport)
    {
        using var scope = new Scope();
        var rep = scope.Bound(SocketType.Rep, transport, out var ep);
        var dealer = scope.Connected(SocketType.Dealer, ep);

        Io.Send(dealer, "no", "delimiter");
        Io.Send(dealer, "", "valid");
        Io.Expect(rep, "valid");
        Io.Send(rep, "ok");
        Io.Expect(dealer, "", "ok");
    }

    /// <summary>A REP must receive before it may send, and must reply before it receives again (EFSM).</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void StrictReceiveThenSend(string transport)
    {
        using var scope = new Scope();
        var rep = scope.Bound(SocketType.Rep, transport, out var ep);
        var req = scope.Connected(SocketType.Req, ep);

        var e = Assert.Throws<ZeraException>(() => rep.TrySend(Io.B("early"), Io.Short));
        Assert.Equal(ErrorKind.InvalidState, e.Kind);

        Io.Send(req, "ping");
        Io.Expect(rep, "ping");
        e = Assert.Throws<ZeraException>(() => rep.TryReceive(out _, Io.Short));
        Assert.Equal(ErrorKind.InvalidState, e.Kind);

        Io.Send(rep, "pong");
        Io.Expect(req, "pong");
    }
}
