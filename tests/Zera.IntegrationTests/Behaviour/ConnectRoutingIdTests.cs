using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>ZMQ_CONNECT_ROUTING_ID (libzmq's test_connect_rid): a ROUTER names the peer of its next connect itself,
/// and can address it by that name at once.</summary>
public class ConnectRoutingIdTests
{
    [Theory]
    [InlineData("tcp", false)]
    [InlineData("tcp", true)]
    [InlineData("ipc", false)]
    [InlineData("ipc", true)]
    [InlineData("inproc", false)]
    [InlineData("inproc", true)]
    public void RouterAddressesItsConnectionByTheChosenId(string transport, bool named)
    {
        using var scope = new Scope();
        var server = scope.Make(SocketType.Router);
        if (named) server.RoutingId = Io.B("X");
        var ep = Endpoints.Bind(server, transport);

        var client = scope.Make(SocketType.Router);
        if (named) client.RoutingId = Io.B("Y");
        client.ConnectRoutingId = Io.B("conn1");
        client.Connect(ep);

        // The chosen id is usable right away: the message waits for the connection.
        Io.Send(client, "conn1", "hi 1");

        var msg = Io.ReceiveBytes(server);
        Assert.Equal(2, msg.Count);
        if (named) Assert.Equal(Io.B("Y"), msg[0]);
        else Assert.Equal(0, msg[0][0]); // generated ids start with a zero byte
        Assert.Equal(Io.B("hi 1"), msg[1]);

        Io.SendBytes(server, msg[0], Io.B("ok"));
        Io.Expect(client, "conn1", "ok");
    }

    /// <summary>The id applies to one connect only: the next connect's peer is named as usual. (Sent once each
    /// peer is routable, so this holds even where the id is not usable before the connection is up.)</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void AppliesToTheNextConnectOnly(string transport)
    {
        using var scope = new Scope();
        var a = scope.Make(SocketType.Router);
        a.RoutingId = Io.B("A");
        var epA = Endpoints.Bind(a, transport);
        var b = scope.Make(SocketType.Router);
        b.RoutingId = Io.B("B");
        var epB = Endpoints.Bind(b, transport);

        var client = scope.Make(SocketType.Router);
        client.RouterMandatory = true;
        client.ConnectRoutingId = Io.B("first");
        client.Connect(epA);
        client.Connect(epB);

        Io.SendWhenRoutable(client, Io.B("first"), "to A");
        Io.SendWhenRoutable(client, Io.B("B"), "to B");
        Assert.Equal("to A", Io.Receive(a)[1]);
        Assert.Equal("to B", Io.Receive(b)[1]);
    }
}
