using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Interop;

/// <summary>
/// ZMTP 3.1 heartbeats between Zera and libzmq: a connection that carries no messages for several heartbeat
/// timeouts stays up, whichever side sends the PINGs (the other must answer with PONGs, or the pinging side drops
/// the connection). The libzmq peer's socket monitor shows whether the connection ever dropped. The timeout is
/// generous, so a scheduling hiccup cannot pass for a missing PONG; the idle time still exceeds it twice over.
/// </summary>
public sealed class HeartbeatInteropTests
{
    private const int IntervalMs = 150;
    private const int TimeoutMs = 1200;
    private const int TtlMs = 2500;

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void IdleConnectionSurvivesHeartbeats(bool zeraPings, bool zeraBinds)
    {
        using var ctx = new Context();
        using var pull = ctx.CreateSocket(SocketType.Pull);
        Conversation.Configure(pull);
        if (zeraPings)
        {
            pull.HeartbeatInterval = IntervalMs;
            pull.HeartbeatTimeout = TimeoutMs;
            pull.HeartbeatTtl = TtlMs;
        }
        (int, int, int)? peerHeartbeat = zeraPings ? null : (IntervalMs, TimeoutMs, TtlMs);

        var plan = new PeerPlan();
        if (zeraBinds)
            plan.Open("main", "PUSH", connect: Endpoints.Bind(pull, "tcp"), monitor: true, heartbeat: peerHeartbeat);
        else
            plan.Open("main", "PUSH", bind: "tcp://127.0.0.1:*", monitor: true, heartbeat: peerHeartbeat);
        // Idle between two messages for twice as long as an unanswered PING would keep the connection.
        plan.Send("main", [TestFrame.Text("before idling")])
            .Idle(TimeSpan.FromMilliseconds(2 * (IntervalMs + TimeoutMs)))
            .Send("main", [TestFrame.Text("after idling")])
            .ReportEvents("main");

        using var peer = LibzmqPeer.Start(plan);
        if (!zeraBinds) pull.Connect(peer.WaitForLine("BOUND main "));
        foreach (var expected in new[] { "before idling", "after idling" })
        {
            Assert.True(pull.TryReceiveString(Conversation.StepTimeout, out var text), $"Zera did not receive '{expected}'{peer.Transcript}");
            Assert.Equal(expected, text);
        }
        peer.WaitForSuccess();

        var events = peer.WaitForLine("EVENTS main").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(events.Count(e => e == "HANDSHAKE_SUCCEEDED") == 1 && !events.Contains("DISCONNECTED"),
            $"the connection dropped while idle ({(zeraPings ? "Zera" : "libzmq")} sending PINGs): events {string.Join(' ', events)}{peer.Transcript}");
    }
}
