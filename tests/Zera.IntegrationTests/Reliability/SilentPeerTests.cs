using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;
using Zera.Core;
using Zera.IntegrationTests.Support;
using NetSocket = System.Net.Sockets.Socket;

namespace Zera.IntegrationTests.Reliability;

/// <summary>
/// 10,000 raw TCP peers connect to one bound Zera PULL and never finish the ZMTP handshake: a fifth send nothing,
/// the others 1 byte, the 10-byte signature, half a greeting (32 bytes) or a whole greeting and no READY. With a
/// short HANDSHAKE_IVL Zera must close every one of them (each raw socket sees its end of stream or a reset), keep
/// nothing of them (managed heap after full collections and open descriptors flat between a warm-up and the end;
/// live sessions and engines back to where they were), and meanwhile serve a well-behaved PUSH on the same socket
/// without losing or reordering a message. At most <see cref="Window"/> raw peers are open at once, so the test is
/// bounded in time and descriptors.
/// </summary>
[Collection(nameof(ProcessWide))]
public sealed class SilentPeerTests(ITestOutputHelper output)
{
    private const int WarmUpPeers = 1_000;
    private const int Peers = 10_000;
    private const int Window = 300;
    private const int HandshakeMs = 200;

    /// <summary>How long a raw peer waits for Zera to close it: many times the handshake interval, so only a
    /// connection Zera forgot fails it.</summary>
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(15);

    /// <summary>As in <see cref="PeerChurnTests"/>: the runtime's own pools settle at the storm's concurrency; a leak
    /// of 1 KB a peer (9 MB here) is caught.</summary>
    private const long HeapTolerance = 6 * 1024 * 1024;

    private const int FdTolerance = 16;

    /// <summary>What each kind of peer sends before going silent.</summary>
    private static readonly byte[][] s_openings =
    [
        [],
        [0xFF],
        [0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x7F],
        [.. Wire.Zmtp.Greeting().AsSpan(0, 32)],
        Wire.Zmtp.Greeting(),
    ];

    [Fact]
    public async Task PeersThatNeverFinishTheHandshakeAreClosedAndForgotten()
    {
        long sessionsAtStart = LiveCounts.Sessions, enginesAtStart = LiveCounts.Engines;
        using var ctx = new Context();
        using var pull = ctx.CreateSocket(SocketType.Pull);
        pull.Linger = 0;
        pull.HandshakeInterval = HandshakeMs;
        pull.Backlog = 1024;
        pull.Bind("tcp://127.0.0.1:*");
        var target = new IPEndPoint(IPAddress.Loopback, new Uri(pull.LastEndpoint!).Port);

        // The well-behaved peer: a PUSH whose numbered messages a thread of its own receives while the storm runs.
        using var peerContext = new Context();
        using var push = peerContext.CreateSocket(SocketType.Push);
        push.Linger = 0;
        push.SendTimeout = 10_000;
        push.Connect(pull.LastEndpoint!);
        var received = new List<int>();
        using var stop = new CancellationTokenSource();
        var receiver = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (!pull.TryReceiveString(TimeSpan.FromMilliseconds(50), out var text)) continue;
                lock (received) received.Add(int.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
            }
        }) { IsBackground = true, Name = "well-behaved peer's receiver" };
        receiver.Start();
        int sent = 0;
        void SendOne() => push.Send((sent++).ToString(System.Globalization.CultureInfo.InvariantCulture));

        try
        {
            // The PUSH's own connection stays up throughout: it is part of both measurements.
            SendOne();
            Wait.Until(() => Count(received) == 1, "the well-behaved peer's first message");

            int closed = await StormAsync(target, 0, WarmUpPeers, SendOne);
            Assert.Equal(WarmUpPeers, closed);
            Wait.Until(() => Count(received) == sent, "the well-behaved peer's messages during the warm-up");
            var before = ProcessFigures.Settle(sessionsAtStart + 2, enginesAtStart + 2);

            var clock = System.Diagnostics.Stopwatch.StartNew();
            closed = await StormAsync(target, WarmUpPeers, Peers - WarmUpPeers, SendOne);
            var stormTime = clock.Elapsed;
            Assert.Equal(Peers - WarmUpPeers, closed);
            Wait.Until(() => Count(received) == sent, $"the well-behaved peer's {sent} messages (got {Count(received)})");
            var after = ProcessFigures.Settle(sessionsAtStart + 2, enginesAtStart + 2);

            output.WriteLine($"{Peers:N0} silent or half-greeting peers, {Window} at a time, HANDSHAKE_IVL {HandshakeMs} ms: " +
                $"{stormTime.TotalSeconds:F1} s for the last {Peers - WarmUpPeers:N0}; after {WarmUpPeers:N0}: heap {before.Heap / 1024:N0} KB, {before.Fds} fds; " +
                $"after {Peers:N0}: heap {after.Heap / 1024:N0} KB, {after.Fds} fds; sessions {LiveCounts.Sessions - sessionsAtStart}, engines {LiveCounts.Engines - enginesAtStart} (the PUSH connection's two ends); " +
                $"well-behaved messages {sent}");
            Assert.True(after.Heap - before.Heap < HeapTolerance,
                $"managed heap grew by {(after.Heap - before.Heap) / 1024:N0} KB over {Peers - WarmUpPeers:N0} silent peers (from {before.Heap / 1024:N0} KB)");
            Assert.True(after.Fds - before.Fds < FdTolerance, $"open file descriptors went from {before.Fds} to {after.Fds}");
            lock (received) Assert.Equal(Enumerable.Range(0, sent), received);
        }
        finally
        {
            await stop.CancelAsync();
            receiver.Join(Wait.Timeout);
        }
    }

    /// <summary>Runs <paramref name="count"/> raw peers, <see cref="Window"/> at a time; returns how many Zera closed.
    /// Every 100th start, the well-behaved peer sends a message.</summary>
    private static async Task<int> StormAsync(IPEndPoint target, int first, int count, Action sendOne)
    {
        int closed = 0;
        using var gate = new SemaphoreSlim(Window);
        var peers = new List<Task>(count);
        for (int i = 0; i < count; i++)
        {
            if (!await gate.WaitAsync(PeerTimeout * 2)) Assert.Fail($"no raw peer ended within {PeerTimeout.TotalSeconds * 2:F0} s");
            int n = first + i;
            if (n % 100 == 0) sendOne();
            peers.Add(Task.Run(async () =>
            {
                try
                {
                    if (await ClosedByZeraAsync(target, s_openings[n % s_openings.Length])) Interlocked.Increment(ref closed);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        await Task.WhenAll(peers);
        return closed;
    }

    /// <summary>One raw peer: connects, sends <paramref name="opening"/>, then reads (and ignores Zera's greeting)
    /// until Zera closes the connection. False if it is still open after <see cref="PeerTimeout"/>.</summary>
    private static async Task<bool> ClosedByZeraAsync(IPEndPoint target, byte[] opening)
    {
        using var socket = new NetSocket(AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(PeerTimeout);
        var buffer = new byte[128];
        try
        {
            await socket.ConnectAsync(target, timeout.Token);
            if (opening.Length > 0) await socket.SendAsync(opening, SocketFlags.None, timeout.Token);
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
                // Zera's greeting (or the part of it it sends before the peer's signature): not our concern here.
            }
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static int Count(List<int> list)
    {
        lock (list) return list.Count;
    }
}
