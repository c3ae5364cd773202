using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>PUSH and PULL as RFC 30 specifies them (libzmq's test_spec_pushpull).</summary>
public class PushPullSpecTests
{
    /// <summary>PUSH sends to its connected peers in turn.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void PushRoundRobinOut(string transport)
    {
        using var scope = new Scope();
        const int services = 5;
        var push = scope.Make(SocketType.Push);
        var pulls = new ZeraSocket[services];
        for (int i = 0; i < services; i++)
        {
            pulls[i] = scope.Bound(SocketType.Pull, transport, out var ep);
            push.Connect(ep);
        }

        for (int i = 0; i < services; i++) Io.Send(push, $"ABC{i}");
        for (int i = 0; i < services; i++) Io.Send(push, $"DEF{i}");
        for (int i = 0; i < services; i++)
        {
            Io.Expect(pulls[i], $"ABC{i}");
            Io.Expect(pulls[i], $"DEF{i}");
        }
    }

    /// <summary>PULL receives from all its peers, each peer's messages in order.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void PullFairQueueIn(string transport)
    {
        using var scope = new Scope();
        const int senders = 5;
        var pull = scope.Bound(SocketType.Pull, transport, out var ep);
        var pushes = new ZeraSocket[senders];
        for (int i = 0; i < senders; i++) pushes[i] = scope.Connected(SocketType.Push, ep);
        for (int i = 0; i < senders; i++)
        {
            Io.Send(pushes[i], $"{i}:first");
            Io.Send(pushes[i], $"{i}:second");
        }

        var got = Enumerable.Range(0, 2 * senders).Select(_ => Assert.Single(Io.Receive(pull))).ToList();
        for (int i = 0; i < senders; i++)
        {
            int first = got.IndexOf($"{i}:first");
            int second = got.IndexOf($"{i}:second");
            Assert.True(first >= 0 && second > first, $"sender {i}'s messages missing or out of order: {string.Join(", ", got)}");
        }
        Io.ExpectNothing(pull, TimeSpan.FromMilliseconds(50));
    }

    /// <summary>With every queue filled, PULL takes the first message of each peer before any second one (inproc,
    /// where the queues fill synchronously).</summary>
    [Fact]
    public void PullTakesOneFromEachPeerInTurn()
    {
        using var scope = new Scope();
        const int senders = 5;
        var pull = scope.Bound(SocketType.Pull, "inproc", out var ep);
        var pushes = new ZeraSocket[senders];
        for (int i = 0; i < senders; i++) pushes[i] = scope.Connected(SocketType.Push, ep);
        for (int i = 0; i < senders; i++)
        {
            Io.Send(pushes[i], $"first");
            Io.Send(pushes[i], $"second");
        }

        for (int i = 0; i < senders; i++) Io.Expect(pull, "first");
        for (int i = 0; i < senders; i++) Io.Expect(pull, "second");
    }

    /// <summary>With no peer, PUSH cannot send.</summary>
    [Fact]
    public void PushBlocksWithoutPeers()
    {
        using var scope = new Scope();
        var push = scope.Make(SocketType.Push);
        Assert.False(push.TrySend(Io.B("x")));
        push.SendTimeout = 100;
        var e = Assert.Throws<ZeraException>(() => push.Send("x"));
        Assert.Equal(ErrorKind.WouldBlock, e.Kind);
    }

    /// <summary>Messages sent by a connecting PUSH before its peer exists wait in the queue and are delivered.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void MessagesQueuedBeforeThePeerArriveAreDelivered(string transport)
    {
        using var scope = new Scope();
        string ep = Io.Unbound(transport);
        var push = scope.Connected(SocketType.Push, ep);
        for (int i = 0; i < 5; i++) Assert.True(push.TrySend(Io.B($"early {i}")), "a connecting PUSH must queue before the peer exists");

        var pull = scope.Make(SocketType.Pull);
        pull.Bind(ep);
        for (int i = 0; i < 5; i++) Io.Expect(pull, $"early {i}");
    }

    /// <summary>When a peer disconnects, its queue and the messages in it are destroyed: reconnecting does not bring
    /// old messages back (inproc, where the queue sizes are exact).</summary>
    [Fact]
    public void DisconnectDestroysTheQueue()
    {
        using var scope = new Scope();
        var push = scope.Make(SocketType.Push);
        push.SendHighWatermark = 1;
        var ep = Endpoints.Bind(push, "inproc");
        var pull = scope.Make(SocketType.Pull);
        pull.ReceiveHighWatermark = 1;
        pull.Connect(ep);

        Io.Send(push, "ABC");
        Io.Send(push, "DEF");
        Assert.False(push.TrySend(Io.B("full")), "both queues hold one message: the third must block");

        pull.Disconnect(ep);
        Assert.False(pull.TryReceive(out _), "old data is still readable after the disconnect");
        Assert.False(push.TrySend(Io.B("nobody")), "with its only peer gone the PUSH must block");

        pull.Connect(ep);
        Assert.False(pull.TryReceive(out _, Io.Short), "old data came back after reconnecting");
        Io.Send(push, "GHI");
        Io.Send(push, "JKL");
        Assert.False(push.TrySend(Io.B("full")));
        Io.Expect(pull, "GHI");
        Io.Expect(pull, "JKL");
    }

    /// <summary>The same over every transport, without exact counts: what had reached the PULL's queue is gone
    /// after its disconnect, and after reconnecting it sees only messages sent afterwards.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void NoOldMessagesAfterReconnecting(string transport)
    {
        using var scope = new Scope();
        var push = scope.Bound(SocketType.Push, transport, out var ep);
        var pull = scope.Connected(SocketType.Pull, ep);

        // Twenty old messages; once the first is read, (nearly) all the others are in the PULL's queue too.
        for (int i = 0; i < 20; i++) Io.Send(push, $"old {i}");
        Io.Expect(pull, "old 0");

        pull.Disconnect(ep);
        Io.ExpectNothing(pull);

        pull.Connect(ep);
        // Until the PUSH has noticed the old connection is gone, a send may still go down it and be lost, so keep
        // offering new messages until one arrives; nothing old may ever show up.
        var seen = new List<string>();
        Wait.Until(() =>
        {
            if (pull.TryReceiveString(TimeSpan.FromMilliseconds(50), out var text))
            {
                seen.Add(text);
                return text == "new";
            }
            push.TrySend(Io.B("new"));
            return false;
        }, "a message flowing over the new connection");
        Assert.All(seen, m => Assert.Equal("new", m));
    }
}
