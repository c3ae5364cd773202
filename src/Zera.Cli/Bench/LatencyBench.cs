using System.Diagnostics;

namespace Zera.Cli.Bench;

/// <summary>
/// <c>bench lat</c>: REQ binds and times each round trip of a SIZE-byte message (after WARMUP untimed ones); REP
/// connects and sends each request back. Reports the mean round trip, one-way = mean/2 (libzmq's convention), p50
/// and p99, in microseconds.
/// </summary>
public static partial class LatencyBench
{
    /// <summary>Runs the role the settings give and prints the RESULT line when measuring.</summary>
    public static int Run(BenchSettings c, TextWriter stdout)
    {
        PeerLifetime.ArmIfPeer();
        if (c.Role == "rep")
        {
            using var context = new Context();
            RunEcho(context, c, c.Endpoint);
            return ExitCodes.Ok;
        }
        return Measure(c, stdout);
    }

    private static int Measure(BenchSettings c, TextWriter stdout)
    {
        var rtt = new long[c.Count];
        long total = c.Count + c.Warmup, tBegin = 0, tEnd;
        using (var context = new Context())
        {
            using var req = context.CreateSocket(SocketType.Req);
            req.Linger = 0;
            req.SendTimeout = c.TimeoutMs;
            req.ReceiveTimeout = c.TimeoutMs;
            req.Bind(c.Endpoint);
            string endpoint = req.LastEndpoint ?? c.Endpoint;

            using var peer = c.Solo ? null : StartEcho(context, c, endpoint);
            var buffer = new byte[c.Size];
            Array.Fill(buffer, (byte)'x');
            long i = 0;
            try
            {
                if (c.Async) tBegin = RoundTripsAsync(req, c, buffer, rtt).GetAwaiter().GetResult();
                else
                {
                    for (; i < total; i++)
                    {
                        long t0 = Stopwatch.GetTimestamp();
                        if (i == c.Warmup) tBegin = t0;
                        req.Send(buffer);
                        var reply = req.Receive();
                        if (reply.Length != c.Size)
                            throw new CliException($"bench: reply {i} has {reply.Length} bytes, expected {c.Size}", ExitCodes.Failure);
                        reply.Span.CopyTo(buffer);
                        reply.Dispose();
                        if (i >= c.Warmup) rtt[i - c.Warmup] = Stopwatch.GetTimestamp() - t0;
                    }
                }
            }
            catch (ZeraException e) when (e.Kind == ErrorKind.WouldBlock)
            {
                throw new CliException($"bench: timed out at round trip {i} of {total}", ExitCodes.Failure);
            }
            tEnd = Stopwatch.GetTimestamp();
            peer?.Finish();
        }

        double usPerTick = 1e6 / Stopwatch.Frequency;
        double mean = rtt.Average() * usPerTick;
        Array.Sort(rtt);
        double p50 = rtt[(c.Count - 1) / 2] * usPerTick;
        double p99 = rtt[(long)((c.Count - 1) * 0.99)] * usPerTick;
        double seconds = (tEnd - tBegin) / (double)Stopwatch.Frequency;
        stdout.WriteLine(ResultLine.Inv(
            $"{ResultLine.Prefix("lat")} transport={c.Transport} pattern=reqrep mode={c.ModeLabel} api={(c.Async ? "async" : "blocking")} size={c.Size} count={c.Count} warmup={c.Warmup} elapsed_s={seconds:F6} rtt_mean_us={mean:F2} oneway_us={mean / 2:F2} rtt_p50_us={p50:F2} rtt_p99_us={p99:F2}"));
        return ExitCodes.Ok;
    }

    private static BenchPeer StartEcho(Context context, BenchSettings c, string endpoint)
    {
        if (c.Mode == "threads") return BenchPeer.StartThread("echo", () => RunEcho(context, c, endpoint), c.TimeoutMs);
        return BenchPeer.StartProcess("echo",
            ["lat", "-r", "rep", "-W", .. (c.Async ? new[] { "-a" } : []), "-w", BenchSettings.Inv(c.Warmup), endpoint,
                BenchSettings.Inv(c.Size), BenchSettings.Inv(c.Count)],
            c.TimeoutMs);
    }

    private static void RunEcho(Context context, BenchSettings c, string endpoint)
    {
        using var rep = context.CreateSocket(SocketType.Rep);
        rep.Linger = c.TimeoutMs;
        rep.SendTimeout = c.TimeoutMs;
        rep.ReceiveTimeout = c.TimeoutMs;
        rep.Connect(endpoint);
        long total = c.Count + c.Warmup, i = 0;
        try
        {
            if (c.Async) EchoAsync(rep, c).GetAwaiter().GetResult();
            else
            {
                for (; i < total; i++)
                {
                    var request = rep.Receive();
                    rep.Send(ref request);
                }
            }
        }
        catch (ZeraException e) when (e.Kind == ErrorKind.WouldBlock)
        {
            throw new CliException($"bench: echo timed out at round trip {i} of {total}", ExitCodes.Failure);
        }
        if (c.Hold) PeerLifetime.WaitForStdinEof(c.TimeoutMs);
    }
}
