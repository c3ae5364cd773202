using System.Diagnostics;

namespace Zera.Cli.Bench;

/// <summary>
/// <c>bench conns</c>: many connections to one socket. The server binds a ROUTER and answers each DEALER's "hello";
/// once COUNT peers have been answered it samples its memory, tells every peer "done" and prints the RESULT line: the
/// time from the first hello to the last and the memory each connection added (resident set and managed heap). A
/// client process connects COUNT DEALERs, each sending one hello and waiting for its answer and then for "done"; the
/// load is spread over several client processes (<c>bench/conns/run.sh</c>). <c>bench/conns/conns.py</c> does the
/// same with libzmq. With <c>--pattern pubsub</c> the server is an XPUB waiting for COUNT subscriptions and the
/// clients SUBs, each waiting for the one message published once all have subscribed.
/// </summary>
public static class ConnectionsBench
{
    private static readonly byte[] s_hello = "hello"u8.ToArray();
    private static readonly byte[] s_ok = "ok"u8.ToArray();
    private static readonly byte[] s_done = "done"u8.ToArray();

    /// <summary>The server: binds, counts COUNT hellos (or, with <paramref name="pubSub"/>, COUNT subscriptions),
    /// measures, releases the clients, prints RESULT.</summary>
    public static int Server(string endpoint, long count, bool pubSub, int timeoutMs, TextWriter stdout, TextWriter stderr)
    {
        if (pubSub) return PublisherServer(endpoint, count, timeoutMs, stdout, stderr);
        using var context = new Context();
        using var router = context.CreateSocket(SocketType.Router);
        // Every "done" must reach its client before the process leaves.
        router.Linger = timeoutMs;
        router.SendHighWatermark = 0;
        router.ReceiveHighWatermark = 0;
        router.Bind(endpoint);
        long rssBefore = ResidentBytes();
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        stderr.WriteLine($"bench conns: listening on {router.LastEndpoint}, waiting for {count} peers");
        var peers = new List<byte[]>((int)Math.Min(count, 1_000_000));
        long first = 0;
        var timeout = TimeSpan.FromMilliseconds(timeoutMs);
        while (peers.Count < count)
        {
            if (!router.TryReceiveMultipart(timeout, out var parts))
                throw new CliException($"bench: {peers.Count} of {count} peers said hello; none more within {timeoutMs} ms", ExitCodes.Failure);
            if (peers.Count == 0) first = Stopwatch.GetTimestamp();
            peers.Add(parts[0]);
            router.SendMultipart([parts[0], s_ok]);
        }
        double seconds = (Stopwatch.GetTimestamp() - first) / (double)Stopwatch.Frequency;
        long rssAfter = ResidentBytes();
        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        foreach (var id in peers) router.SendMultipart([id, s_done]);
        PrintResult(stdout, endpoint, "routerdealer", count, seconds, rssBefore, rssAfter, heapBefore, heapAfter);
        return ExitCodes.Ok;
    }

    /// <summary>The pub-sub server: an XPUB (verbose, so every subscriber's subscription arrives) waits for COUNT
    /// subscriptions, measures, and publishes "done" to them all.</summary>
    private static int PublisherServer(string endpoint, long count, int timeoutMs, TextWriter stdout, TextWriter stderr)
    {
        using var context = new Context();
        using var xpub = context.CreateSocket(SocketType.XPub);
        xpub.Linger = timeoutMs;
        xpub.XPubVerbose = true;
        xpub.SendHighWatermark = 0;
        xpub.Bind(endpoint);
        long rssBefore = ResidentBytes();
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        stderr.WriteLine($"bench conns: listening on {xpub.LastEndpoint}, waiting for {count} subscribers");
        long subscribed = 0;
        long first = 0;
        var timeout = TimeSpan.FromMilliseconds(timeoutMs);
        while (subscribed < count)
        {
            if (!xpub.TryReceive(out var frame, timeout))
                throw new CliException($"bench: {subscribed} of {count} peers subscribed; none more within {timeoutMs} ms", ExitCodes.Failure);
            bool subscription = frame.Length > 0 && frame.Span[0] == 1;
            frame.Dispose();
            if (!subscription) continue;
            if (subscribed++ == 0) first = Stopwatch.GetTimestamp();
        }
        double seconds = (Stopwatch.GetTimestamp() - first) / (double)Stopwatch.Frequency;
        long rssAfter = ResidentBytes();
        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        xpub.Send(s_done);
        PrintResult(stdout, endpoint, "pubsub", count, seconds, rssBefore, rssAfter, heapBefore, heapAfter);
        return ExitCodes.Ok;
    }

    private static void PrintResult(TextWriter stdout, string endpoint, string pattern, long count, double seconds,
        long rssBefore, long rssAfter, long heapBefore, long heapAfter)
    {
        using var self = Process.GetCurrentProcess();
        stdout.WriteLine(ResultLine.Inv(
            $"{ResultLine.Prefix("conns")} transport={Transport(endpoint)} pattern={pattern} conns={count} connect_s={seconds:F3} conns_per_s={(count - 1) / Math.Max(seconds, 1e-9):F0} rss_before_kb={rssBefore / 1024} rss_after_kb={rssAfter / 1024} rss_bytes_per_conn={(rssAfter - rssBefore) / count} heap_bytes_per_conn={(heapAfter - heapBefore) / count} threads={self.Threads.Count}"));
    }

    /// <summary>A client process: COUNT DEALERs, each saying hello and waiting for "ok" then "done" (or, with
    /// <paramref name="pubSub"/>, COUNT SUBs each waiting for "done").</summary>
    public static int Client(string endpoint, long count, bool pubSub, int timeoutMs, TextWriter stderr)
    {
        var type = pubSub ? SocketType.Sub : SocketType.Dealer;
        byte[][] expected = pubSub ? [s_done] : [s_ok, s_done];
        using var context = new Context();
        var peers = new List<ZeraSocket>((int)count);
        try
        {
            for (long i = 0; i < count; i++)
            {
                var peer = context.CreateSocket(type);
                peer.Linger = 0;
                peers.Add(peer);
                if (pubSub) peer.Subscribe("");
                peer.Connect(endpoint);
                if (!pubSub) peer.Send(s_hello);
            }
            using var deadline = new CancellationTokenSource(timeoutMs);
            var waits = peers.Select(p => AwaitAnswersAsync(p, expected, deadline.Token)).ToArray();
            try
            {
                Task.WaitAll(waits);
            }
            catch (AggregateException) when (deadline.IsCancellationRequested)
            {
                int answered = waits.Count(w => w.IsCompletedSuccessfully);
                throw new CliException($"bench: {answered} of {count} peers got their answers within {timeoutMs} ms", ExitCodes.Failure);
            }
        }
        finally
        {
            foreach (var p in peers) p.Dispose();
        }
        stderr.WriteLine(pubSub ? $"bench conns: {count} subscribers got the message" : $"bench conns: {count} peers answered and released");
        return ExitCodes.Ok;
    }

    private static async Task AwaitAnswersAsync(ZeraSocket peer, byte[][] answers, CancellationToken ct)
    {
        foreach (var expected in answers)
        {
            using var frame = await peer.ReceiveAsync(ct).ConfigureAwait(false);
            if (!frame.Span.SequenceEqual(expected))
                throw new CliException($"bench: a peer got '{frame}' where '{System.Text.Encoding.ASCII.GetString(expected)}' was due", ExitCodes.Failure);
        }
    }

    private static string Transport(string endpoint) => endpoint[..Math.Max(0, endpoint.IndexOf("://", StringComparison.Ordinal))];

    /// <summary>The resident set (VmRSS on Linux; the working set elsewhere).</summary>
    private static long ResidentBytes()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
        }
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }
}
