using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>ZMQ_IMMEDIATE (libzmq's test_immediate): off, a connect creates a queue at once, so messages are also
/// dealt to peers that never come; on, only completed connections get messages.</summary>
public class ImmediateTests
{
    /// <summary>Without the option, round robin includes the connection that never completes: half of the
    /// messages wait in its queue.</summary>
    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void WithoutImmediateHalfTheMessagesWaitForTheMissingPeer(string transport)
    {
        using var scope = new Scope();
        var to = scope.Bound(SocketType.Pull, transport, out var ep);
        var from = scope.Make(SocketType.Push);
        from.Connect(Io.Unbound(transport)); // never comes
        from.Connect(ep);

        for (int i = 0; i < 10; i++) Io.Send(from, "Hello");
        for (int i = 0; i < 5; i++) Io.Expect(to, "Hello");
        Io.ExpectNothing(to);
    }

    /// <summary>With the option, every message goes to the one connection that is up.</summary>
    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void WithImmediateAllMessagesGoToTheLiveConnection(string transport)
    {
        using var scope = new Scope();
        var to = scope.Bound(SocketType.Pull, transport, out var ep);
        var from = scope.Make(SocketType.Push);
        from.Immediate = true;
        from.Connect(Io.Unbound(transport));
        from.Connect(ep);

        // The first send waits until the live connection has completed.
        for (int i = 0; i < 10; i++) Io.Send(from, "Hello");
        for (int i = 0; i < 10; i++) Io.Expect(to, "Hello");
    }

    /// <summary>With the option and no completed connection, a send would block instead of queueing.</summary>
    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void WithImmediateNothingQueuesForAPeerThatIsNotThere(string transport)
    {
        using var scope = new Scope();
        var from = scope.Make(SocketType.Dealer);
        from.Immediate = true;
        from.Connect(Io.Unbound(transport));
        Assert.False(from.TrySend(Io.B("x"), TimeSpan.FromMilliseconds(200)));
    }

    /// <summary>With the option, a connection that breaks stops taking messages; when the peer comes back they flow
    /// again.</summary>
    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void BrokenConnectionStopsTakingMessagesUntilTheReconnect(string transport)
    {
        using var scope = new Scope();
        var backend = scope.Bound(SocketType.Dealer, transport, out var ep);
        var frontend = scope.Make(SocketType.Dealer);
        frontend.Immediate = true;
        frontend.ReconnectInterval = 50;
        frontend.Connect(ep);

        Io.Send(backend, "Hello");
        Io.Expect(frontend, "Hello");
        Assert.True(frontend.TrySend(Io.B("Hello")));
        Io.Expect(backend, "Hello");

        backend.Dispose();
        Wait.Until(() => !frontend.TrySend(Io.B("into the void")), "the frontend refusing to send once its peer is gone");

        var again = scope.Make(SocketType.Dealer);
        again.Bind(ep);
        Io.Send(again, "Hello");
        Io.Expect(frontend, "Hello");
        Assert.True(frontend.TrySend(Io.B("after")));
        Io.Expect(again, "after");
    }
}
