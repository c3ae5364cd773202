using System.Buffers.Binary;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>High-water marks (libzmq's test_hwm and ZMQ_SNDHWM/ZMQ_RCVHWM in zmq_setsockopt): over inproc the
/// sender's and the receiver's marks add up to the exact number of messages that can be queued; 0 means no limit.</summary>
public class HwmTests
{
    private const int MaxSends = 10_000;

    /// <summary>Sends numbered messages of <paramref name="size"/> bytes without blocking until the socket refuses
    /// one; fails if it accepts <paramref name="limit"/> messages. Returns how many were accepted.</summary>
    internal static int FillUntilBlocked(ZeraSocket s, int size, int limit)
    {
        var payload = new byte[Math.Max(4, size)];
        int sent = 0;
        while (sent < limit)
        {
            BinaryPrimitives.WriteInt32BigEndian(payload, sent);
            if (!s.TrySend(payload)) return sent;
            sent++;
        }
        Assert.Fail($"{s} accepted {limit} messages without ever blocking");
        return sent;
    }

    /// <summary>The sequence number <see cref="FillUntilBlocked"/> put in a message.</summary>
    internal static int Sequence(List<byte[]> message) => BinaryPrimitives.ReadInt32BigEndian(Assert.Single(message));

    private static int SendUntilBlocked(ZeraSocket s)
    {
        int n = 0;
        while (n < MaxSends && s.TrySend(ReadOnlySpan<byte>.Empty)) n++;
        return n;
    }

    private static int ReceiveAllWaiting(ZeraSocket s)
    {
        int n = 0;
        while (s.TryReceive(out var f))
        {
            f.Dispose();
            n++;
        }
        return n;
    }

    [Fact]
    public void DefaultMarksQueueTwoThousandOverInproc()
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, "inproc", out var ep);
        var push = scope.Connected(SocketType.Push, ep);

        Assert.Equal(1000, push.SendHighWatermark);
        Assert.Equal(1000, pull.ReceiveHighWatermark);
        int sent = SendUntilBlocked(push);
        Assert.Equal(2000, sent);
        Assert.Equal(sent, ReceiveAllWaiting(pull));
    }

    /// <summary>Exactly send-mark + receive-mark messages fit, whichever side came first; a 0 on either side lifts
    /// the limit; and once the receiver has read, the sender can go on.</summary>
    [Theory]
    [InlineData(0, 0, true, MaxSends)]
    [InlineData(0, 0, false, MaxSends)]
    [InlineData(1, 0, true, MaxSends)]
    [InlineData(1, 0, false, MaxSends)]
    [InlineData(0, 1, true, MaxSends)]
    [InlineData(0, 1, false, MaxSends)]
    [InlineData(1, 1, true, 2)]
    [InlineData(1, 1, false, 2)]
    [InlineData(3, 5, true, 8)]
    [InlineData(3, 5, false, 8)]
    public void InprocMarksAddUp(int sendHwm, int receiveHwm, bool bindFirst, int expected)
    {
        using var scope = new Scope();
        string ep = Endpoints.ForBind("inproc");
        var pull = scope.Make(SocketType.Pull);
        pull.ReceiveHighWatermark = receiveHwm;
        var push = scope.Make(SocketType.Push);
        push.SendHighWatermark = sendHwm;
        if (bindFirst)
        {
            pull.Bind(ep);
            push.Connect(ep);
        }
        else
        {
            push.Connect(ep);
            pull.Bind(ep);
        }

        int sent = SendUntilBlocked(push);
        Assert.Equal(expected, sent);
        Assert.Equal(sent, ReceiveAllWaiting(pull));

        // Room again: one more goes through and arrives.
        Assert.True(push.TrySend(Io.B("again"), Io.Long));
        Io.Expect(pull, "again");
    }

    /// <summary>Before anyone binds an inproc name, a connecting socket queues up to its own send mark only (the
    /// receiver's mark is not known yet).</summary>
    [Fact]
    public void BeforeTheBindOnlyTheSendersMarkCounts()
    {
        using var scope = new Scope();
        string ep = Endpoints.ForBind("inproc");
        var push = scope.Make(SocketType.Push);
        push.SendHighWatermark = 1;
        push.Connect(ep);

        Assert.Equal(1, SendUntilBlocked(push));

        var pull = scope.Make(SocketType.Pull);
        pull.ReceiveHighWatermark = 0;
        pull.Bind(ep);
        Assert.True(pull.TryReceive(out var f, Io.Long), "the message queued before the bind was not delivered");
        f.Dispose();
        Io.ExpectNothing(pull);
    }

    /// <summary>What a connect-first socket queued is still delivered when that socket is closed before the bind
    /// (libzmq's test_inproc_connect_and_close_first).</summary>
    [Fact]
    public void QueuedMessagesOfAClosedConnectFirstSocketArriveAfterTheBind()
    {
        using var scope = new Scope();
        string ep = Endpoints.ForBind("inproc");
        var push = scope.MakeLingering(SocketType.Push);
        push.Connect(ep);
        for (int i = 0; i < 3; i++) Assert.True(push.TrySend(Io.B($"queued {i}")));
        push.Dispose();

        var pull = scope.Make(SocketType.Pull);
        pull.Bind(ep);
        for (int i = 0; i < 3; i++) Io.Expect(pull, $"queued {i}");
        Io.ExpectNothing(pull, TimeSpan.FromMilliseconds(50));
    }

    /// <summary>Over tcp and ipc the kernel buffers too, so the count is not exact, but a sender whose peer does not
    /// read still stops, loses nothing, and resumes once the peer has read.</summary>
    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void StreamTransportsBlockThenResume(string transport)
    {
        using var scope = new Scope();
        var pull = scope.Make(SocketType.Pull);
        pull.ReceiveHighWatermark = 5;
        pull.ReceiveBuffer = 8192;
        var ep = Endpoints.Bind(pull, transport);
        var push = scope.Make(SocketType.Push);
        push.SendHighWatermark = 5;
        push.SendBuffer = 8192;
        push.Connect(ep);

        // Let the connection come up first, so the kernel buffers are part of the path.
        Io.Send(push, "start");
        Io.Expect(pull, "start");

        int sent = FillUntilBlocked(push, 4096, limit: 5000);
        Assert.True(sent >= 5, $"only {sent} messages were accepted; the send mark alone allows 5");
        for (int i = 0; i < sent; i++) Assert.Equal(i, Sequence(Io.ReceiveBytes(pull)));
        Io.ExpectNothing(pull);

        Io.Send(push, "resumed");
        Io.Expect(pull, "resumed");
    }
}
