using System.Diagnostics;
using System.Globalization;

namespace Zera.Cli.Bench;

/// <summary>
/// <c>bench fan</c>: one XPUB publisher, N SUB subscribers (threads of this process, or processes), every message
/// delivered to every subscriber (unlimited marks, the publisher waits for all N subscriptions). Each subscriber
/// times its own first-to-last message; the aggregate rate is N*(COUNT-1) over the slowest one's time, as the
/// anchors' fan test computes it.
/// </summary>
public static class FanOutBench
{
    /// <summary>Runs the role the settings give and prints the RESULT line.</summary>
    public static int Run(BenchSettings c, TextWriter stdout)
    {
        PeerLifetime.ArmIfPeer();
        if (c.Role == "sub")
        {
            double seconds = Subscribe(null, c);
            stdout.WriteLine(ResultLine.Inv(
                $"{ResultLine.Prefix("fan")} role=sub transport={c.Transport} size={c.Size} count={c.Count} elapsed_s={seconds:F6} msgs_per_s={(c.Count - 1) / seconds:F0}"));
            stdout.Flush(); // a pipe to the measuring parent
            if (c.Hold) PeerLifetime.WaitForStdinEof(c.TimeoutMs);
            return ExitCodes.Ok;
        }
        using var context = new Context();
        using var pub = OpenPublisher(context, c);
        if (c.Role == "pub")
        {
            Publish(pub, c);
            if (c.Hold) PeerLifetime.WaitForStdinEof(c.TimeoutMs);
            return ExitCodes.Ok;
        }
        string endpoint = pub.LastEndpoint ?? c.Endpoint;
        var sub = c with { Endpoint = endpoint };
        var times = new double[c.Subscribers];
        var peers = new List<BenchPeer>(c.Subscribers);
        try
        {
            for (int i = 0; i < c.Subscribers; i++)
            {
                int index = i;
                peers.Add(c.Mode == "threads"
                    ? BenchPeer.StartThread($"subscriber {i}", () => times[index] = Subscribe(context, sub), c.TimeoutMs)
                    : BenchPeer.StartProcess($"subscriber {i}",
                        ["fan", "-r", "sub", "-W", endpoint, BenchSettings.Inv(c.Size), BenchSettings.Inv(c.Count)], c.TimeoutMs, captureOutput: true));
            }
            Publish(pub, c);
            if (c.Mode != "threads")
            {
                for (int i = 0; i < peers.Count; i++) times[i] = ReportedSeconds(peers[i], i, c.TimeoutMs);
            }
            foreach (var peer in peers) peer.Finish();
        }
        finally
        {
            foreach (var peer in peers) peer.Dispose();
        }
        double slowest = times.Max();
        double aggregate = (double)c.Subscribers * (c.Count - 1) / slowest;
        stdout.WriteLine(ResultLine.Inv(
            $"{ResultLine.Prefix("fan")} transport={c.Transport} mode={c.ModeLabel} subscribers={c.Subscribers} size={c.Size} count={c.Count} elapsed_s={slowest:F6} msgs_per_s={aggregate:F0} per_sub_msgs_per_s={(c.Count - 1) / slowest:F0} mb_per_s={aggregate * c.Size / 1e6:F2} min_elapsed_s={times.Min():F6}"));
        return ExitCodes.Ok;
    }

    private static ZeraSocket OpenPublisher(Context context, BenchSettings c)
    {
        var pub = context.CreateSocket(SocketType.XPub);
        pub.SendHighWatermark = 0;
        pub.ReceiveTimeout = c.TimeoutMs;
        pub.Linger = c.TimeoutMs;
        pub.XPubVerbose = true; // every subscription is passed up, not only the first one for ""
        pub.Bind(c.Endpoint);
        return pub;
    }

    /// <summary>Waits for the subscribers' N subscriptions (only then is nothing dropped), then publishes.</summary>
    private static void Publish(ZeraSocket pub, BenchSettings c)
    {
        for (int got = 0; got < c.Subscribers;)
        {
            if (!pub.TryReceive(out var subscription, TimeSpan.FromMilliseconds(c.TimeoutMs)))
                throw new CliException($"bench: the XPUB got {got} of {c.Subscribers} subscriptions", ExitCodes.Failure);
            if (subscription.Length >= 1 && subscription.Span[0] == 1) got++;
            subscription.Dispose();
        }
        for (long i = 0; i < c.Count; i++)
        {
            var frame = Frame.Allocate(c.Size);
            pub.Send(ref frame);
        }
    }

    /// <summary>One subscriber: receives every message, returns its first-to-last time in seconds.</summary>
    private static double Subscribe(Context? shared, BenchSettings c)
    {
        var context = shared ?? new Context();
        try
        {
            using var sub = context.CreateSocket(SocketType.Sub);
            sub.ReceiveHighWatermark = 0;
            sub.Linger = 0;
            sub.ReceiveTimeout = c.TimeoutMs;
            sub.Subscribe("");
            sub.Connect(c.Endpoint);
            long t0 = 0;
            for (long i = 0; i < c.Count; i++)
            {
                if (!sub.TryReceive(out var frame, TimeSpan.FromMilliseconds(c.TimeoutMs)))
                    throw new CliException($"bench: a subscriber timed out after {i} of {c.Count} messages", ExitCodes.Failure);
                if (frame.Length != c.Size)
                    throw new CliException($"bench: message {i} has {frame.Length} bytes, expected {c.Size}", ExitCodes.Failure);
                frame.Dispose();
                if (i == 0) t0 = Stopwatch.GetTimestamp();
            }
            return (Stopwatch.GetTimestamp() - t0) / (double)Stopwatch.Frequency;
        }
        finally
        {
            if (shared == null) context.Dispose();
        }
    }

    private static double ReportedSeconds(BenchPeer peer, int index, int timeoutMs)
    {
        var line = peer.ReadLine(timeoutMs);
        const string key = " elapsed_s=";
        int at = line?.IndexOf(key, StringComparison.Ordinal) ?? -1;
        if (line == null || at < 0) throw new CliException($"bench: subscriber {index} did not report: '{line}'", ExitCodes.Failure);
        string value = line[(at + key.Length)..].Split(' ')[0];
        return double.Parse(value, CultureInfo.InvariantCulture);
    }
}
