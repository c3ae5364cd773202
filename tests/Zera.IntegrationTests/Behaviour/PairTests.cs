using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>PAIR on every transport (libzmq's test_pair_inproc, _tcp and _ipc) and RFC 31's one-peer rule.</summary>
public class PairTests
{
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void MessagesFlowBothWays(string transport)
    {
        using var scope = new Scope();
        var bound = scope.Bound(SocketType.Pair, transport, out var ep);
        var connected = scope.Connected(SocketType.Pair, ep);

        for (int i = 0; i < 3; i++)
        {
            Io.Send(connected, "ABC", "", $"round {i}");
            Io.Expect(bound, "ABC", "", $"round {i}");
            Io.Send(bound, $"back {i}");
            Io.Expect(connected, $"back {i}");
        }
    }

    /// <summary>A connecting PAIR queues messages before the connection is up, and they arrive in order.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void MessagesSentBeforeTheConnectionArriveInOrder(string transport)
    {
        using var scope = new Scope();
        var bound = scope.Bound(SocketType.Pair, transport, out var ep);
        var connected = scope.Connected(SocketType.Pair, ep);
        for (int i = 0; i < 100; i++) Io.Send(connected, $"{i}");
        for (int i = 0; i < 100; i++) Io.Expect(bound, $"{i}");
    }

    /// <summary>A PAIR talks to exactly one peer: while the first is connected, a second one is refused and nothing
    /// it sends arrives; the first peer is not disturbed.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void SecondPeerIsRefusedWhileTheFirstIsConnected(string transport)
    {
        using var scope = new Scope();
        var bound = scope.Bound(SocketType.Pair, transport, out var ep);
        var first = scope.Connected(SocketType.Pair, ep);
        Io.Send(first, "one");
        Io.Expect(bound, "one");

        var second = scope.Connected(SocketType.Pair, ep);
        second.TrySend(Io.B("intruder"), Io.Short);
        Io.ExpectNothing(bound, TimeSpan.FromMilliseconds(500));

        Io.Send(bound, "still yours");
        Io.Expect(first, "still yours");
        Io.ExpectNothing(second, TimeSpan.FromMilliseconds(50));
        Io.Send(first, "two");
        Io.Expect(bound, "two");
    }

    /// <summary>Once the first peer has gone, a new peer is accepted.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void NewPeerIsAcceptedAfterTheFirstLeaves(string transport)
    {
        using var scope = new Scope();
        var bound = scope.Bound(SocketType.Pair, transport, out var ep);
        var first = scope.Connected(SocketType.Pair, ep);
        Io.Send(first, "one");
        Io.Expect(bound, "one");
        first.Dispose();

        var second = scope.Connected(SocketType.Pair, ep);
        // The bound PAIR may still be dropping the old peer when the new one knocks; keep offering until it is in.
        Wait.Until(() =>
        {
            second.TrySend(Io.B("hello"));
            return bound.TryReceiveString(TimeSpan.FromMilliseconds(50), out var text) && text == "hello";
        }, "the new peer's message reaching the bound PAIR");
        Io.Send(bound, "welcome");
        Io.Expect(second, "welcome");
    }
}
