using Xunit.Abstractions;
using Zera.Core;
using Zera.IntegrationTests.Interop;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Reliability;

/// <summary>Tests that measure the whole process (managed heap, open file descriptors, Zera's live connection
/// counts) run alone, after the parallel ones, so other tests' connections do not blur the figures.</summary>
[CollectionDefinition(nameof(ProcessWide), DisableParallelization = true)]
public sealed class ProcessWide;

/// <summary>
/// A long-running server whose peers come and go keeps nothing of the peers that have gone. 10,000 peers (half real
/// libzmq, half Zera; half over tcp, half over ipc) each connect to one bound socket, exchange a message and leave;
/// after a warm-up the managed heap after a full collection, the process's open file descriptors and Zera's live
/// session and engine counts must come back to where they were, within the tolerances below. Before the fix a ROUTER
/// kept every peer it had ever seen in its routing table: about 8.6 KB a peer, 77 MB for these 9,000.
/// </summary>
[Collection(nameof(ProcessWide))]
public sealed class PeerChurnTests(ITestOutputHelper output)
{
    private const int WarmUpPeers = 1_000;
    private const int Peers = 10_000;
    private const int Batch = 50;

    /// <summary>What the heap (less the slabs Zera pools for reuse) may grow by between the warm-up and the end: the
    /// runtime's own pools (the shared array pool, thread-pool state) settle at the churn's concurrency, so a little
    /// growth is not a leak; a leak of even 1 KB a peer (9 MB here) is caught.</summary>
    private const long HeapTolerance = 6 * 1024 * 1024;

    /// <summary>Descriptors the runtime may open meanwhile (thread-pool threads, epoll); a leak of one per peer is
    /// thousands.</summary>
    private const int FdTolerance = 16;

    [Theory]
    [InlineData(SocketType.Pull, SocketType.Push, "PUSH", false)]
    [InlineData(SocketType.Router, SocketType.Dealer, "DEALER", true)]
    [InlineData(SocketType.Rep, SocketType.Req, "REQ", true)]
    [InlineData(SocketType.XPub, SocketType.Sub, "SUB", true)] // each subscriber subscribes to its own topic, gets one message
    public async Task BoundSocketKeepsNothingOfPeersThatLeft(SocketType serverType, SocketType peerType, string libzmqType, bool reply)
    {
        long sessionsAtStart = LiveCounts.Sessions, enginesAtStart = LiveCounts.Engines;
        using var ctx = new Context();
        using var server = ctx.CreateSocket(serverType);
        server.Linger = 0;
        string[] endpoints = [Endpoints.Bind(server, "tcp"), Endpoints.Bind(server, "ipc")];
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(() => Serve(server, reply, stop.Token));
        using var peerContext = new Context();

        await ChurnAsync(peerContext, endpoints, peerType, libzmqType, 0, WarmUpPeers, reply);
        var before = ProcessFigures.Settle(sessionsAtStart, enginesAtStart);

        await ChurnAsync(peerContext, endpoints, peerType, libzmqType, WarmUpPeers, Peers - WarmUpPeers, reply);
        var after = ProcessFigures.Settle(sessionsAtStart, enginesAtStart);

        await stop.CancelAsync();
        long served = await serving;
        output.WriteLine($"{serverType} after {WarmUpPeers:N0} peers: heap {before.Heap / 1024:N0} KB, {before.Fds} fds; after {Peers:N0}: heap {after.Heap / 1024:N0} KB, {after.Fds} fds");
        Assert.Equal(Peers, served);
        Assert.True(after.Heap - before.Heap < HeapTolerance,
            $"managed heap grew by {(after.Heap - before.Heap) / 1024:N0} KB over {Peers - WarmUpPeers:N0} peers (from {before.Heap / 1024:N0} KB)");
        Assert.True(after.Fds - before.Fds < FdTolerance, $"open file descriptors went from {before.Fds} to {after.Fds}");
    }

    /// <summary>The server's side of each exchange: count what arrives; for ROUTER and REP, send it back; for XPUB,
    /// publish each new subscription's topic (and leave out the cancels of subscribers that left). Runs until told
    /// to stop and then until the queues are empty.</summary>
    private static long Serve(ZeraSocket server, bool reply, CancellationToken stop)
    {
        long served = 0;
        var timeout = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            if (!server.TryReceiveMultipart(timeout, out var parts))
            {
                // Stopped only once nothing is left: every connection has ended by then, so all they delivered is queued.
                if (stop.IsCancellationRequested) return served;
                continue;
            }
            if (server.Type == SocketType.XPub)
            {
                if (parts[0][0] == 0) continue; // a cancel
                parts = [parts[0][1..]];        // the subscribed topic, published
            }
            served++;
            if (reply) server.SendMultipart(parts);
        }
    }

    /// <summary><paramref name="count"/> peers, half libzmq (in a Python process) and half Zera (here, at the same
    /// time), each connecting, exchanging one message and leaving.</summary>
    private static async Task ChurnAsync(Context ctx, string[] endpoints, SocketType peerType, string libzmqType, int first, int count, bool reply)
    {
        var plan = new PeerPlan { StepTimeout = TimeSpan.FromSeconds(10), HardTimeout = TimeSpan.FromSeconds(120) }
            .Churn(libzmqType, endpoints, count / 2, Batch, reply, first);
        using var peer = LibzmqPeer.Start(plan);
        var zera = Task.Run(() => ChurnZera(ctx, endpoints, peerType, first, count - count / 2, reply));
        var lines = await Task.Run(() => peer.WaitForSuccess(TimeSpan.FromSeconds(120)));
        Assert.Contains($"CHURNED {count / 2}", lines);
        Assert.True(await Behaviour.Io.CompletesWithin(zera, TimeSpan.FromSeconds(120)), "the Zera peers did not finish within 120 s");
        await zera;
    }

    private static void ChurnZera(Context ctx, string[] endpoints, SocketType peerType, int first, int count, bool reply)
    {
        var peers = new List<ZeraSocket>(Batch);
        var timeout = TimeSpan.FromSeconds(10);
        for (int done = 0; done < count; done += peers.Count)
        {
            peers.Clear();
            for (int i = 0; i < Math.Min(Batch, count - done); i++)
            {
                var s = ctx.CreateSocket(peerType);
                s.Linger = reply ? 0 : 10_000;
                s.SendTimeout = 10_000;
                s.Connect(endpoints[(done + i) % endpoints.Length]);
                string text = $"zera {first + done + i}"; // not the libzmq peers' "churn N": every topic is one peer's
                if (peerType == SocketType.Sub) s.Subscribe(text);
                else s.Send(text);
                peers.Add(s);
            }
            foreach (var s in peers)
            {
                if (reply && !s.TryReceiveMultipart(timeout, out _))
                    Assert.Fail($"a {peerType} peer got no reply within {timeout.TotalSeconds} s");
                s.Dispose();
            }
        }
    }
}
