using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>ZMQ_ROUTER_HANDOVER (libzmq's test_router_handover): a second peer announcing a routing id already in
/// use takes it over when the option is on, and is refused when it is off.</summary>
public class RouterHandoverTests
{
    private static ZeraSocket DealerNamedX(Scope scope, string endpoint)
    {
        var d = scope.Make(SocketType.Dealer);
        d.RoutingId = Io.B("X");
        d.Connect(endpoint);
        return d;
    }

    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void WithHandoverTheNewcomerTakesTheId(string transport)
    {
        using var scope = new Scope();
        var router = scope.Make(SocketType.Router);
        router.RouterHandover = true;
        var ep = Endpoints.Bind(router, transport);

        var first = DealerNamedX(scope, ep);
        Io.Send(first, "Hello");
        Io.Expect(router, "X", "Hello");

        var second = DealerNamedX(scope, ep);
        Io.Send(second, "Hello again");
        Io.Expect(router, "X", "Hello again");

        Io.Send(router, "X", "for the newcomer");
        Io.Expect(second, "for the newcomer");
        Io.ExpectNothing(first);
    }

    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void WithoutHandoverTheNewcomerIsIgnored(string transport)
    {
        using var scope = new Scope();
        var router = scope.Bound(SocketType.Router, transport, out var ep);
        Assert.False(router.RouterHandover);

        var first = DealerNamedX(scope, ep);
        Io.Send(first, "Hello");
        Io.Expect(router, "X", "Hello");

        var second = DealerNamedX(scope, ep);
        Io.Send(second, "Hello again");
        Io.ExpectNothing(router, TimeSpan.FromMilliseconds(400));

        Io.Send(router, "X", "for the original");
        Io.Expect(first, "for the original");
        Io.ExpectNothing(second);
    }
}
