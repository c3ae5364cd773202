using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>Multipart atomicity (zmq_send/zmq_recv and RFC 28/30): a message of several frames is delivered whole
/// or not at all, never interleaved with another message, with ReceiveMore set on every frame but the last.</summary>
public class MultipartTests
{
    private static byte[][] MessageNumber(int n)
    {
        var big = new byte[n % 7 == 0 ? 200_000 : 10];
        big.AsSpan().Fill((byte)n);
        return (n % 3) switch
        {
            0 => [Io.B($"solo {n}")],
            1 => [Io.B($"head {n}"), [], Io.B($"tail {n}")],
            _ => [Io.B($"a {n}"), Io.B($"b {n}"), big, Io.B($"d {n}"), Io.B($"e {n}")],
        };
    }

    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void MessagesArriveWholeAndInOrder(string transport)
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, transport, out var ep);
        var push = scope.Connected(SocketType.Push, ep);
        const int count = 60;
        for (int n = 0; n < count; n++) Io.SendBytes(push, MessageNumber(n));
        for (int n = 0; n < count; n++) Assert.Equal(MessageNumber(n), Io.ReceiveBytes(pull));
    }

    /// <summary>Frame by frame: ReceiveMore (and Frame.More) is set on all frames but the last of each message.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void MoreFlagMarksEveryFrameButTheLast(string transport)
    {
        using var scope = new Scope();
        var b = scope.Bound(SocketType.Pair, transport, out var ep);
        var a = scope.Connected(SocketType.Pair, ep);
        Io.Send(a, "1", "2", "3");
        Io.Send(a, "single");

        for (int i = 1; i <= 3; i++)
        {
            Assert.True(b.TryReceive(out var f, Io.Long));
            Assert.Equal($"{i}", f.GetString());
            Assert.Equal(i < 3, f.More);
            Assert.Equal(i < 3, b.ReceiveMore);
            f.Dispose();
        }
        Assert.True(b.TryReceive(out var s, Io.Long));
        Assert.Equal("single", s.GetString());
        Assert.False(s.More);
        Assert.False(b.ReceiveMore);
        s.Dispose();
    }

    /// <summary>A message is not visible to the receiver until its last frame is sent.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void PartialMessageIsNotDelivered(string transport)
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, transport, out var ep);
        var push = scope.Connected(SocketType.Push, ep);
        Io.Send(push, "warm-up");
        Io.Expect(pull, "warm-up");

        Assert.True(push.TrySend(Io.B("first part"), Io.Long, more: true));
        Io.ExpectNothing(pull);
        Assert.True(push.TrySend(Io.B("last part"), Io.Long));
        Io.Expect(pull, "first part", "last part");
    }

    /// <summary>Two senders on their own threads push multipart messages into one PULL at once: every message
    /// arrives whole, with no frames of the other sender in between.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void ConcurrentSendersNeverInterleave(string transport)
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, transport, out var ep);
        const int perSender = 300;
        var senders = new[] { scope.Make(SocketType.Push), scope.Make(SocketType.Push) };
        var failures = new string?[senders.Length];
        var threads = senders.Select((s, k) => new Thread(() =>
        {
            try
            {
                s.Connect(ep);
                for (int i = 0; i < perSender; i++)
                    Io.Send(s, $"{k}", $"{k}:{i}", new string((char)('a' + k), 1000), $"{k}:{i}:end");
            }
            catch (Exception e)
            {
                failures[k] = e.ToString();
            }
        })).ToList();
        threads.ForEach(t => t.Start());

        var next = new int[senders.Length];
        for (int m = 0; m < perSender * senders.Length; m++)
        {
            var msg = Io.Receive(pull);
            Assert.Equal(4, msg.Count);
            int k = int.Parse(msg[0], System.Globalization.CultureInfo.InvariantCulture);
            int i = next[k]++;
            Assert.Equal([$"{k}", $"{k}:{i}", new string((char)('a' + k), 1000), $"{k}:{i}:end"], msg);
        }
        foreach (var t in threads) Assert.True(t.Join(Io.Long));
        Assert.All(failures, Assert.Null);
    }

    /// <summary>A ROUTER hands a multipart message from a DEALER to the application whole, behind the routing id.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void RouterKeepsMessagesWhole(string transport)
    {
        using var scope = new Scope();
        var router = scope.Bound(SocketType.Router, transport, out var ep);
        var dealers = Enumerable.Range(0, 3).Select(i =>
        {
            var d = scope.Make(SocketType.Dealer);
            d.RoutingId = Io.B($"D{i}");
            d.Connect(ep);
            return d;
        }).ToList();
        for (int n = 0; n < 20; n++)
            for (int i = 0; i < dealers.Count; i++) Io.Send(dealers[i], $"{i}", "", $"{n}");

        var next = new int[dealers.Count];
        for (int m = 0; m < 20 * dealers.Count; m++)
        {
            var msg = Io.Receive(router);
            Assert.Equal(4, msg.Count);
            int i = int.Parse(msg[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal([$"D{i}", $"{i}", "", $"{next[i]++}"], msg);
        }
    }
}
