using System.Diagnostics;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>
/// REQ and REP hand a finished message to an idle connection on the caller's thread (no send-loop wake-up). That fast
/// path must never block: a requester that stops reading its replies fills the kernel buffers, and the REP socket
/// must go on serving everyone else.
/// </summary>
public class ReqRepFastPathTests
{
    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void RepKeepsServingWhileOneRequesterStopsReading(string transport)
    {
        using var scope = new Scope();
        var rep = scope.Bound(SocketType.Rep, transport, out var ep);
        var stalled = scope.Connected(SocketType.Dealer, ep); // sends requests, never reads a reply
        var healthy = scope.Connected(SocketType.Req, ep);

        const int stalledRequests = 300; // 300 replies of 64 KiB: far more than loopback's socket buffers hold
        for (int i = 0; i < stalledRequests; i++) stalled.SendMultipart([[], [(byte)i]]);

        var reply = new byte[64 * 1024];
        int served = 0, healthyAnswered = 0;
        var sw = Stopwatch.StartNew();
        healthy.Send("ping 0");
        while (healthyAnswered < 20)
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), $"REP stalled after serving {served} requests");
            if (rep.TryReceiveMultipart(TimeSpan.FromMilliseconds(100), out var request))
            {
                // Every reply is big; to the stalled peer it can only pile up (and, past the mark, be dropped).
                Assert.True(rep.TrySend(reply, Io.Long), "a REP reply must never block");
                served++;
            }
            if (healthy.TryReceiveString(TimeSpan.Zero, out var answer))
            {
                Assert.Equal(reply.Length, System.Text.Encoding.UTF8.GetByteCount(answer));
                healthyAnswered++;
                if (healthyAnswered < 20) healthy.Send($"ping {healthyAnswered}");
            }
        }
        Assert.True(served >= 20, $"served {served}");
    }
}
