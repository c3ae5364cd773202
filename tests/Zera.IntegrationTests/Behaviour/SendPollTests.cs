using System.Buffers.Binary;
using System.Diagnostics;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>An asynchronous send held at the high-water mark polls for room while room comes back quickly, and goes
/// to the thread pool once it does not (Core.SendPoll). A small mark makes a long stream cross that wait tens of
/// thousands of times; a receiver that now keeps pace and now stalls for a millisecond switches the send between
/// polling and waiting. A wake-up lost between the two would show as a send that times out, a message lost or
/// reordered as a wrong number.</summary>
public class SendPollTests
{
    private const int Count = 200_000;

    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public Task AnAsyncSenderAtTheMarkDeliversEveryMessageInOrder(string transport) => Stream(transport, stallEvery: 0);

    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public Task AnAsyncSenderSwitchingBetweenPollingAndWaitingDeliversEveryMessageInOrder(string transport) =>
        Stream(transport, stallEvery: 5_000);

    private static async Task Stream(string transport, int stallEvery)
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, transport, out var ep);
        pull.ReceiveHighWatermark = 50;
        var push = scope.Connected(SocketType.Push, ep);
        push.SendHighWatermark = 50;
        var sender = Task.Run(async () =>
        {
            for (int i = 0; i < Count; i++)
            {
                var frame = Frame.Allocate(4);
                BinaryPrimitives.WriteInt32LittleEndian(frame.Span, i);
                using var cts = new CancellationTokenSource(Io.Long);
                await push.SendAsync(frame, cancellationToken: cts.Token);
            }
        });
        var receiver = Task.Run(() =>
        {
            for (int i = 0; i < Count; i++)
            {
                Assert.True(pull.TryReceive(out var frame, Io.Long), $"message {i} of {Count} did not arrive");
                using (frame) Assert.Equal(i, BinaryPrimitives.ReadInt32LittleEndian(frame.Span));
                // Load shaping, not synchronisation: a millisecond on the core without reading makes the sender's
                // next wait outlast its poll, so the stream crosses from polling to waiting and back.
                if (stallEvery > 0 && i % stallEvery == 0)
                {
                    long until = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 1_000;
                    while (Stopwatch.GetTimestamp() < until) Thread.SpinWait(100);
                }
            }
        });
        Assert.True(await Io.CompletesWithin(receiver, TimeSpan.FromMinutes(1)), "the receiver did not finish");
        await receiver; // its assertion, if one failed
        Assert.True(await Io.CompletesWithin(sender, Io.Long), "the sender did not finish");
        await sender;
    }
}
