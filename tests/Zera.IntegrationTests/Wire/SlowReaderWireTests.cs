using System.Buffers.Binary;
using System.Diagnostics;

namespace Zera.IntegrationTests.Wire;

/// <summary>
/// A peer that completes the handshake and then stops reading must not hold up a Zera PUSH: once that peer's queue
/// (SNDHWM plus whatever the kernel buffers) is full, the PUSH carries on with its other peers. Nothing may be lost
/// or duplicated: when the slow peer finally reads, the two peers together hold every message exactly once, each in
/// order.
/// </summary>
public sealed class SlowReaderWireTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void PeerThatStopsReadingDoesNotBlockThePushAndLosesNothing()
    {
        const int count = 20_000;
        const int size = 1024;
        using var ctx = new Context();
        using var push = ctx.CreateSocket(SocketType.Push);
        push.Linger = 0;
        push.SendHighWatermark = 100;
        push.SendTimeout = (int)Timeout.TotalMilliseconds;
        push.Bind("tcp://127.0.0.1:*");

        using var slow = RawZmtpClient.Connect(push.LastEndpoint!);
        slow.Handshake("PULL");
        using var pull = ctx.CreateSocket(SocketType.Pull);
        pull.Linger = 0;
        pull.Connect(push.LastEndpoint!);

        // The responsive peer drains on its own thread (a socket is used by one thread at a time: this one only).
        var fast = new List<int>();
        var stop = new CancellationTokenSource();
        var receiver = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (!pull.TryReceive(out var frame, TimeSpan.FromMilliseconds(20))) continue;
                int n = BinaryPrimitives.ReadInt32BigEndian(frame.Span);
                frame.Dispose();
                lock (fast) fast.Add(n);
            }
        }) { IsBackground = true, Name = "fast peer" };
        receiver.Start();

        try
        {
            // Which peer gets which message depends on when each is attached; the checks below hold either way.
            var payload = new byte[size];
            for (int i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteInt32BigEndian(payload, i);
                push.Send(payload); // throws (send timeout) if the slow peer holds the PUSH up
            }

            // Now the slow peer reads what was queued for it, until the two shares add up to every message.
            var slowShare = new List<int>();
            var clock = Stopwatch.StartNew();
            while (slowShare.Count + CountOf(fast) < count)
            {
                Assert.True(clock.Elapsed < Timeout, $"only {slowShare.Count} + {CountOf(fast)} of {count} messages arrived");
                if (slow.TryReadFrame(TimeSpan.FromMilliseconds(20)) is not { } frame) continue;
                Assert.Equal(size, frame.Body.Length);
                slowShare.Add(BinaryPrimitives.ReadInt32BigEndian(frame.Body));
            }
            stop.Cancel();
            Assert.True(receiver.Join(Timeout), "the receiving thread did not stop");

            Assert.True(slowShare.Count > 0, "the slow peer got nothing: the test did not exercise its queue");
            Assert.True(fast.Count > count / 2, $"the responsive peer got only {fast.Count} of {count} messages");
            Assert.True(IsIncreasing(fast), "the responsive peer received messages out of order");
            Assert.True(IsIncreasing(slowShare), "the slow peer received messages out of order");
            Assert.Equal(Enumerable.Range(0, count), fast.Concat(slowShare).Order());
        }
        finally
        {
            stop.Cancel();
            receiver.Join(Timeout);
        }
    }

    private static int CountOf(List<int> list)
    {
        lock (list) return list.Count;
    }

    private static bool IsIncreasing(List<int> values)
    {
        for (int i = 1; i < values.Count; i++)
            if (values[i] <= values[i - 1]) return false;
        return true;
    }
}
