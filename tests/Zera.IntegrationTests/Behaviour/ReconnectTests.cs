using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>Reconnection (libzmq's test_reconnect_ivl, ZMQ_RECONNECT_IVL): a peer that goes away and comes back on
/// the same endpoint is reconnected, and messages flow again; -1 turns reconnection off.</summary>
public class ReconnectTests
{
    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void PeerThatComesBackIsReconnected(string transport)
    {
        using var scope = new Scope();
        var server = scope.Bound(SocketType.Pair, transport, out var ep);
        var client = scope.Make(SocketType.Pair);
        client.ReconnectInterval = 50;
        client.Connect(ep);
        Io.Send(client, "before");
        Io.Expect(server, "before");

        server.Dispose();
        var again = scope.Make(SocketType.Pair);
        again.Bind(ep);

        // The new server has no peer until the client reconnects: its send waits for that.
        Io.Send(again, "after");
        Io.Expect(client, "after");
        Io.Send(client, "and back");
        Io.Expect(again, "and back");
    }

    /// <summary>The reconnect interval backs off up to ReconnectIntervalMax but still reaches a server that shows
    /// up late.</summary>
    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void ServerThatAppearsLateIsReachedWithBackOff(string transport)
    {
        using var scope = new Scope();
        string ep = Io.Unbound(transport);
        var client = scope.Make(SocketType.Dealer);
        client.ReconnectInterval = 20;
        client.ReconnectIntervalMax = 200;
        client.Connect(ep);
        Io.Send(client, "queued early");

        // Let a few attempts fail first; nothing can arrive meanwhile.
        Io.ExpectNothing(client, TimeSpan.FromMilliseconds(300));

        var server = scope.Make(SocketType.Dealer);
        server.Bind(ep);
        Io.Expect(server, "queued early");
    }

    /// <summary>With ReconnectInterval -1 a lost connection stays lost.</summary>
    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void MinusOneDisablesReconnection(string transport)
    {
        using var scope = new Scope();
        var server = scope.Bound(SocketType.Pair, transport, out var ep);
        var client = scope.Make(SocketType.Pair);
        client.ReconnectInterval = -1;
        client.Connect(ep);
        Io.Send(client, "before");
        Io.Expect(server, "before");

        server.Dispose();
        var again = scope.Make(SocketType.Pair);
        again.Bind(ep);
        Assert.False(again.TrySend(Io.B("anyone?"), TimeSpan.FromMilliseconds(700)), "the client reconnected although ReconnectInterval is -1");
    }
}
