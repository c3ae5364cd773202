using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>ZMQ_PROBE_ROUTER (libzmq's test_probe_router): a connecting socket with the option sends an empty
/// message first, so the ROUTER learns its routing id before any real traffic.</summary>
public class ProbeRouterTests
{
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void DealerProbesTheRouter(string transport)
    {
        using var scope = new Scope();
        var server = scope.Bound(SocketType.Router, transport, out var ep);
        var client = scope.Make(SocketType.Dealer);
        client.RoutingId = Io.B("X");
        client.ProbeRouter = true;
        client.Connect(ep);

        Io.Expect(server, "X", "");
        Io.Send(server, "X", "Hello");
        Io.Expect(client, "Hello");
    }

    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void RouterProbesTheRouter(string transport)
    {
        using var scope = new Scope();
        var server = scope.Bound(SocketType.Router, transport, out var ep);
        var client = scope.Make(SocketType.Router);
        client.RoutingId = Io.B("X");
        client.ProbeRouter = true;
        client.Connect(ep);

        Io.Expect(server, "X", "");
        Io.Send(server, "X", "Hello");

        // The server announced no id, so the client knows it under a generated one: 5 bytes, a zero byte first.
        var msg = Io.ReceiveBytes(client);
        Assert.Equal(2, msg.Count);
        Assert.Equal(5, msg[0].Length);
        Assert.Equal(0, msg[0][0]);
        Assert.Equal(Io.B("Hello"), msg[1]);
    }

    /// <summary>Without the option, nothing is sent on connect.</summary>
    [Fact]
    public void NoProbeByDefault()
    {
        using var scope = new Scope();
        var server = scope.Bound(SocketType.Router, "tcp", out var ep);
        var client = scope.Make(SocketType.Dealer);
        Assert.False(client.ProbeRouter);
        client.Connect(ep);
        Io.ExpectNothing(server);
    }

    /// <summary>The option exists only for ROUTER, DEALER and REQ.</summary>
    [Fact]
    public void OptionIsRefusedOnOtherTypes()
    {
        using var scope = new Scope();
        var e = Assert.Throws<ZeraException>(() => scope.Make(SocketType.Push).ProbeRouter = true);
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
    }
}
