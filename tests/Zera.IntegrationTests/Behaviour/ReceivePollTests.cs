using System.Buffers.Binary;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>A receive that finds its socket empty polls for a few microseconds with its pipes unarmed before it arms
/// them and waits. A receiver that keeps pace with its sender goes through that poll every few messages, and a wake-up
/// lost between the poll and the wait would show as a receive that times out with messages queued; a message read
/// twice or skipped would show in the sequence numbers. Each stream is long enough to cross the poll hundreds of
/// thousands of times.</summary>
public class ReceivePollTests
{
    private const int Count = 200_000;

    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public Task ABlockingReceiverThatKeepsUpGetsEveryMessageInOrder(string transport) =>
        Stream(transport, pull => Task.Run(() =>
        {
            for (int i = 0; i < Count; i++) ReceiveNumber(pull, i, Count, "message");
        }));

    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public Task AnAsyncReceiverThatKeepsUpGetsEveryMessageInOrder(string transport) =>
        Stream(transport, async pull =>
        {
            for (int i = 0; i < Count; i++)
            {
                using var cts = new CancellationTokenSource(Io.Long);
                using var frame = await pull.ReceiveAsync(cts.Token);
                Assert.Equal(i, BinaryPrimitives.ReadInt32LittleEndian(frame.Span));
            }
        });

    /// <summary>XPUB learns which subscribers to read only from their pipes' wake-ups, so its receive arms them
    /// without polling; a stream of subscriptions arriving while it waits must all reach it.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public async Task AnXPubReceivingAStreamOfSubscriptionsGetsEveryOne(string transport)
    {
        using var scope = new Scope();
        var xpub = scope.Bound(SocketType.XPub, transport, out var ep);
        xpub.XPubVerbose = true;
        var xsub = scope.Connected(SocketType.XSub, ep);
        const int subscriptions = 20_000;
        var sender = Task.Run(() =>
        {
            var message = new byte[5];
            message[0] = 1;
            for (int i = 0; i < subscriptions; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(1), i);
                xsub.Send(message);
            }
        });
        for (int i = 0; i < subscriptions; i++)
        {
            Assert.True(xpub.TryReceive(out var frame, Io.Long), $"subscription {i} of {subscriptions} did not arrive");
            using (frame)
            {
                Assert.Equal(1, frame.Span[0]);
                Assert.Equal(i, BinaryPrimitives.ReadInt32LittleEndian(frame.Span[1..]));
            }
        }
        Assert.True(await Io.CompletesWithin(sender, Io.Long), "the sender did not finish");
    }

    private const int RoundTrips = 20_000;

    /// <summary>REQ and REP poll up to 100 µs for each answer while answers come quickly (Core.AnswerPoll), then arm
    /// and wait as any socket: every request and reply of a long exchange crosses that poll on both sides, and a
    /// wake-up lost or a frame misread there would show as a timeout or a wrong number.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public Task BlockingRequestsAndRepliesAllArriveInOrder(string transport) =>
        Exchange(transport, req => Task.Run(() =>
        {
            var request = new byte[4];
            for (int i = 0; i < RoundTrips; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(request, i);
                req.Send(request);
                ReceiveNumber(req, i, RoundTrips, "reply");
            }
        }));

    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public Task AsyncRequestsAndRepliesAllArriveInOrder(string transport) =>
        Exchange(transport, async req =>
        {
            var request = new byte[4];
            for (int i = 0; i < RoundTrips; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(request, i);
                req.Send(request);
                using var cts = new CancellationTokenSource(Io.Long);
                using var reply = await req.ReceiveAsync(cts.Token);
                Assert.Equal(i, BinaryPrimitives.ReadInt32LittleEndian(reply.Span));
            }
        });

    /// <summary>Receives one frame (waiting at most <see cref="Io.Long"/>) and checks that it carries number
    /// <paramref name="i"/>.</summary>
    private static void ReceiveNumber(ZeraSocket socket, int i, int count, string what)
    {
        Assert.True(socket.TryReceive(out var frame, Io.Long), $"{what} {i} of {count} did not arrive");
        using (frame) Assert.Equal(i, BinaryPrimitives.ReadInt32LittleEndian(frame.Span));
    }

    private static async Task Exchange(string transport, Func<ZeraSocket, Task> client)
    {
        using var scope = new Scope();
        var rep = scope.Bound(SocketType.Rep, transport, out var ep);
        var req = scope.Connected(SocketType.Req, ep);
        var echo = Task.Run(() =>
        {
            for (int i = 0; i < RoundTrips; i++)
            {
                Assert.True(rep.TryReceive(out var request, Io.Long), $"request {i} of {RoundTrips} did not arrive");
                rep.Send(ref request);
            }
        });
        var requester = client(req);
        Assert.True(await Io.CompletesWithin(requester, TimeSpan.FromMinutes(1)), "the requester did not finish");
        await requester; // its assertion, if one failed
        Assert.True(await Io.CompletesWithin(echo, Io.Long), "the echo did not finish");
        await echo;
    }

    private static async Task Stream(string transport, Func<ZeraSocket, Task> receive)
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, transport, out var ep);
        pull.ReceiveHighWatermark = 0;
        var push = scope.Connected(SocketType.Push, ep);
        push.SendHighWatermark = 0;
        var sender = Task.Run(() =>
        {
            var message = new byte[4];
            for (int i = 0; i < Count; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(message, i);
                push.Send(message);
            }
        });
        var receiver = receive(pull);
        Assert.True(await Io.CompletesWithin(receiver, TimeSpan.FromMinutes(1)), "the receiver did not finish");
        await receiver; // its assertion, if one failed
        Assert.True(await Io.CompletesWithin(sender, Io.Long), "the sender did not finish");
    }
}
