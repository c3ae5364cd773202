using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;
using Zera.IntegrationTests.Support;
using Zera.IntegrationTests.Wire;

namespace Zera.IntegrationTests.Reliability;

/// <summary>
/// A peer that completes the handshake and then never reads (a raw socket: a SUB that subscribed to everything, or a
/// DEALER that said hello) while a Zera PUB, or a ROUTER addressing it, sends 100 MB. The sender never blocks (every
/// non-blocking send is taken: PUB and ROUTER drop for a peer at its mark), its managed heap stays within
/// <see cref="HeapBound"/> (computed from SNDHWM × message size, see there) however much is sent, and a well-behaved
/// Zera peer on the same socket gets every message meant for it, intact and in order. The well-behaved peer is kept
/// within <see cref="Credit"/> messages of the sender (less than its SNDHWM), so "it keeps up" is a fact of the test
/// and not of the machine's speed; the non-reading peer is never paced.
/// </summary>
[Collection(nameof(ProcessWide))]
public sealed class NonReadingPeerTests(ITestOutputHelper output)
{
    private const int Messages = 100_000;
    private const int Size = 1024;
    private const int Hwm = 1_000;
    private const int Credit = 500;
    private const int Samples = 10;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    /// <summary>What the sender may hold for the peer that reads nothing: its pipe of SNDHWM whole messages of
    /// <see cref="Size"/> bytes, counted twice over because a 1 KB frame lives in a 64 KB slab that stays alive while
    /// any of its frames does (a slab can be pinned by one old frame), plus 4 MB for everything else that can be in
    /// flight (the well-behaved peer's credit of 500 messages on both sides, 64 KB batch buffers, pipe chunks).
    /// Sending all 100 MB into a queue that never drains would exceed it 16 times over.</summary>
    private const long HeapBound = 2L * Hwm * Size + 4 * 1024 * 1024;

    [Theory]
    [InlineData(SocketType.Pub)]
    [InlineData(SocketType.Router)]
    public void SenderMemoryIsBoundedAndTheOtherPeerGetsEverything(SocketType type)
    {
        using var ctx = new Context();
        using var server = ctx.CreateSocket(type);
        server.Linger = 0;
        server.SendHighWatermark = Hwm;
        server.Bind("tcp://127.0.0.1:*");
        string endpoint = server.LastEndpoint!;
        bool pub = type == SocketType.Pub;

        using var stalled = RawZmtpClient.Connect(endpoint);
        stalled.Handshake(pub ? "SUB" : "DEALER", pub ? null : "stalled"u8.ToArray());
        using var peerContext = new Context();
        using var good = peerContext.CreateSocket(pub ? SocketType.Sub : SocketType.Dealer);
        good.Linger = 0;
        good.ReceiveHighWatermark = Hwm;
        if (pub) good.Subscribe("");
        else good.RoutingId = "good"u8.ToArray();
        good.Connect(endpoint);

        if (pub)
        {
            // Both subscriptions must be in place before the stream: publish a marker until each peer has one. This is
            // the only time the stalled peer reads.
            stalled.Send(Zmtp.Frame(Zmtp.CommandBody("SUBSCRIBE", []), command: true));
            var clock = Stopwatch.StartNew();
            bool stalledHasOne = false, goodHasOne = false;
            while (!(stalledHasOne && goodHasOne))
            {
                Assert.True(clock.Elapsed < Step, $"the subscriptions did not take effect (stalled {stalledHasOne}, good {goodHasOne})");
                server.Send(Marker);
                stalledHasOne |= stalled.TryReadFrame(TimeSpan.FromMilliseconds(10)) != null;
                goodHasOne |= good.TryReceive(out var f, TimeSpan.FromMilliseconds(10)) && Dispose(f);
            }
        }
        else
        {
            // The ROUTER learns both routing ids from a first message each; the stalled peer then only ever writes.
            stalled.Send(Zmtp.TextFrame("hello"));
            good.Send("hello");
            for (int i = 0; i < 2; i++)
                Assert.True(server.TryReceiveMultipart(Step, out var hello) && Encoding.ASCII.GetString(hello[1]) == "hello", "a DEALER's hello did not arrive");
        }

        // The well-behaved peer receives on a thread of its own and hands back one credit per message.
        using var credit = new SemaphoreSlim(Credit);
        var received = new List<long>(Messages);
        string? bad = null;
        var receiver = new Thread(() =>
        {
            var watch = Stopwatch.StartNew();
            while (received.Count < Messages && watch.Elapsed < TimeSpan.FromSeconds(120))
            {
                if (!good.TryReceive(out var frame, TimeSpan.FromMilliseconds(50))) continue;
                var body = frame.Span;
                long seq = body.Length == Size ? BinaryPrimitives.ReadInt64BigEndian(body) : -1;
                bool intact = seq >= 0 && body[Size - 1] == (byte)seq;
                bool marker = body.SequenceEqual(Marker);
                frame.Dispose();
                if (marker) continue; // a late copy of the subscription marker
                if (!intact) bad ??= $"message {received.Count} is not an intact stream message ({body.Length} bytes)";
                lock (received) received.Add(seq);
                credit.Release();
            }
        }) { IsBackground = true, Name = "well-behaved peer" };
        receiver.Start();

        long heapAtStart = ProcessFigures.Heap();
        long heapMax = 0;
        var payload = new byte[Size];
        var stalledId = "stalled"u8.ToArray();
        var goodId = "good"u8.ToArray();
        int refused = 0;
        for (long i = 0; i < Messages; i++)
        {
            Assert.True(credit.Wait(Step), $"the well-behaved peer received nothing for {Step.TotalSeconds:F0} s at message {i}");
            BinaryPrimitives.WriteInt64BigEndian(payload, i);
            payload[Size - 1] = (byte)i;
            if (pub)
            {
                if (!server.TrySend(payload)) refused++;
            }
            else
            {
                // Each message goes to the stalled peer too, so its queue is full from early on.
                if (!server.TrySend(stalledId, more: true) || !server.TrySend(payload)) refused++;
                if (!server.TrySend(goodId, more: true) || !server.TrySend(payload)) refused++;
            }
            if ((i + 1) % (Messages / Samples) == 0) heapMax = Math.Max(heapMax, ProcessFigures.Heap() - heapAtStart);
        }
        Assert.True(receiver.Join(TimeSpan.FromSeconds(120)), $"the well-behaved peer got {Count(received)} of {Messages}");
        long heapAtEnd = ProcessFigures.Heap() - heapAtStart;

        // What the stalled peer was sent reaches it only now that it reads: a prefix of the stream, bounded by its
        // queue and the kernel's buffers, each intact and in order.
        var stalledGot = new List<long>();
        while (stalled.TryReadFrame(TimeSpan.FromMilliseconds(500)) is { } frame)
        {
            if (frame.Body.Length != Size) continue; // markers
            stalledGot.Add(BinaryPrimitives.ReadInt64BigEndian(frame.Body));
        }

        output.WriteLine($"{type}: {Messages:N0} × {Size} B sent ({Messages * (long)Size / (1024 * 1024)} MB), SNDHWM {Hwm}: heap growth max {heapMax / 1024:N0} KB " +
            $"while sending, {heapAtEnd / 1024:N0} KB at the end (bound {HeapBound / 1024:N0} KB); the stalled peer was sent {stalledGot.Count:N0} " +
            $"messages; refused sends {refused}");
        Assert.Null(bad);
        Assert.Equal(0, refused);
        Assert.True(heapMax < HeapBound, $"the sender's heap grew by {heapMax / 1024:N0} KB; the bound is {HeapBound / 1024:N0} KB");
        lock (received) Assert.Equal(Enumerable.Range(0, Messages).Select(i => (long)i), received);
        Assert.True(stalledGot.Count > 0, "the stalled peer was sent nothing: its queue was not exercised");
        Assert.True(stalledGot.Count < Messages / 4, $"the stalled peer was sent {stalledGot.Count:N0} messages: it was not held to its queue");
        for (int i = 1; i < stalledGot.Count; i++)
            Assert.True(stalledGot[i] > stalledGot[i - 1], $"the stalled peer's messages are out of order at {i}: {stalledGot[i - 1]} then {stalledGot[i]}");
    }

    private static readonly byte[] Marker = "marker"u8.ToArray();

    private static bool Dispose(Frame frame)
    {
        frame.Dispose();
        return true;
    }

    private static int Count(List<long> list)
    {
        lock (list) return list.Count;
    }
}
