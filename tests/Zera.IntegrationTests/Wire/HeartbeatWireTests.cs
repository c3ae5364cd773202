using System.Buffers.Binary;
using System.Diagnostics;
using Zera.IntegrationTests.Support;
using EventLog = Zera.IntegrationTests.Support.EventLog;

namespace Zera.IntegrationTests.Wire;

/// <summary>
/// ZMTP 3.1 heartbeats (RFC 37) seen from a hand-driven peer: Zera sends PINGs every HeartbeatInterval carrying
/// its HeartbeatTtl, keeps a connection whose peer answers each PING, and drops one whose peer goes silent (its
/// monitor says why).
/// </summary>
public sealed class HeartbeatWireTests
{
    [Fact]
    public void PeerAnsweringEveryPingIsKeptAndPingsComeEveryInterval()
    {
        // HEARTBEAT_TIMEOUT is how long to wait for traffic after a PING; a peer that answers at once is never late,
        // even with a timeout shorter than the interval (as with libzmq).
        const int intervalMs = 300;
        const int timeoutMs = 250;
        using var ctx = new Context();
        using var pull = ctx.CreateSocket(SocketType.Pull);
        pull.Linger = 0;
        pull.HeartbeatInterval = intervalMs;
        pull.HeartbeatTimeout = timeoutMs;
        pull.HeartbeatTtl = 2000;
        pull.Bind("tcp://127.0.0.1:*");
        using var raw = RawZmtpClient.Connect(pull.LastEndpoint!);
        raw.Handshake("PUSH");

        var clock = Stopwatch.StartNew();
        var pings = new List<long>();
        try
        {
            while (clock.ElapsedMilliseconds < 10 * intervalMs)
            {
                var frame = raw.ReadFrame();
                if (!frame.IsCommand || frame.CommandName != "PING") continue;
                pings.Add(clock.ElapsedMilliseconds);
                // TTL in deciseconds, big-endian, straight after the name.
                Assert.Equal(20, BinaryPrimitives.ReadUInt16BigEndian(frame.CommandData));
                raw.Send(Zmtp.Frame(Zmtp.CommandBody("PONG", frame.CommandData.AsSpan(2)), command: true));
            }
        }
        catch (Exception e) when (e is EndOfStreamException or System.Net.Sockets.SocketException)
        {
            Assert.Fail($"Zera dropped the connection after {clock.ElapsedMilliseconds} ms although every PING was answered at once " +
                $"(HeartbeatInterval {intervalMs} ms, HeartbeatTimeout {timeoutMs} ms); PINGs came at {string.Join(", ", pings)} ms");
        }
        double meanGap = (pings[^1] - pings[0]) / (double)(pings.Count - 1);
        Assert.True(meanGap <= intervalMs * 1.34,
            $"PINGs came every {meanGap:F0} ms on average, not every {intervalMs} ms: at {string.Join(", ", pings)} ms");
    }

    [Fact]
    public void SilentPeerIsDroppedAfterHeartbeatTimeout()
    {
        const int intervalMs = 100;
        const int timeoutMs = 200;
        using var ctx = new Context();
        using var pull = ctx.CreateSocket(SocketType.Pull);
        pull.Linger = 0;
        pull.HeartbeatInterval = intervalMs;
        pull.HeartbeatTimeout = timeoutMs;
        using var events = EventLog.Start(pull, SocketEventKind.Disconnected);
        pull.Bind("tcp://127.0.0.1:*");
        using var raw = RawZmtpClient.Connect(pull.LastEndpoint!);
        raw.Handshake("PUSH");

        // The peer reads (so its window stays open) but never answers.
        var clock = Stopwatch.StartNew();
        var (frames, closed) = raw.ReadFramesUntilClosed(TimeSpan.FromSeconds(5));
        Assert.True(closed, "Zera kept a connection whose peer never answered its PINGs");
        Assert.Contains(frames, f => f.IsCommand && f.CommandName == "PING");
        Assert.True(clock.ElapsedMilliseconds >= timeoutMs,
            $"dropped after {clock.ElapsedMilliseconds} ms, before HeartbeatTimeout ({timeoutMs} ms) could have run out");
        var gone = events.WaitFor(SocketEventKind.Disconnected);
        Assert.Contains($"within {timeoutMs} ms of our PING (heartbeat timeout)", gone.Reason);
    }
}
