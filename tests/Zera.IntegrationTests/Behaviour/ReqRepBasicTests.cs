using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>The basic request-reply round trip on every transport (libzmq's test_reqrep_inproc, _tcp and _ipc).</summary>
public class ReqRepBasicTests
{
    private static void Bounce(ZeraSocket server, ZeraSocket client)
    {
        var request = new[] { Io.B("ABC"), new byte[0], Io.B("DEFGH"), new byte[300_000] };
        Random.Shared.NextBytes(request[3]);
        Io.SendBytes(client, request);
        var received = Io.ReceiveBytes(server);
        Assert.Equal(request, received);
        Io.SendBytes(server, [.. received]);
        Assert.Equal(request, Io.ReceiveBytes(client));
    }

    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void RepBindsReqConnects(string transport)
    {
        using var scope = new Scope();
        var rep = scope.Bound(SocketType.Rep, transport, out var ep);
        var req = scope.Connected(SocketType.Req, ep);
        for (int i = 0; i < 3; i++) Bounce(rep, req);
    }

    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void ReqBindsRepConnects(string transport)
    {
        using var scope = new Scope();
        var req = scope.Bound(SocketType.Req, transport, out var ep);
        var rep = scope.Connected(SocketType.Rep, ep);
        for (int i = 0; i < 3; i++) Bounce(rep, req);
    }

    /// <summary>Many short round trips in a row keep working (no lost wake-ups).</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void ManyRoundTrips(string transport)
    {
        using var scope = new Scope();
        var rep = scope.Bound(SocketType.Rep, transport, out var ep);
        var req = scope.Connected(SocketType.Req, ep);
        for (int i = 0; i < 500; i++)
        {
            Io.Send(req, $"q{i}");
            Io.Expect(rep, $"q{i}");
            Io.Send(rep, $"a{i}");
            Io.Expect(req, $"a{i}");
        }
    }

    /// <summary>A peer of a type RFC 28 does not pair with REP (here a PUSH) is refused at the handshake: nothing it
    /// sends reaches the REP, while a proper client is served.</summary>
    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void IncompatiblePeerIsRefused(string transport)
    {
        using var scope = new Scope();
        var rep = scope.Bound(SocketType.Rep, transport, out var ep);
        var push = scope.Connected(SocketType.Push, ep);
        Assert.True(push.TrySend(Io.B(""), more: true));
        Assert.True(push.TrySend(Io.B("bogus")));
        var req = scope.Connected(SocketType.Req, ep);
        Io.Send(req, "real");

        Io.Expect(rep, "real");
        Io.Send(rep, "ok");
        Io.Expect(req, "ok");
        Io.ExpectNothing(rep);
    }
}
