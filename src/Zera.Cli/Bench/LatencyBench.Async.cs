using System.Diagnostics;

namespace Zera.Cli.Bench;

// bench lat --async: the same round trips through SendAsync and ReceiveAsync on both sides.
public static partial class LatencyBench
{
    /// <summary>Times each round trip (after the warm-up) into <paramref name="rtt"/>; returns the timestamp at which
    /// the timed ones began.</summary>
    private static async Task<long> RoundTripsAsync(ZeraSocket req, BenchSettings c, byte[] buffer, long[] rtt)
    {
        using var watchdog = new CancellationTokenSource();
        long total = c.Count + c.Warmup, tBegin = 0;
        for (long i = 0; i < total; i++)
        {
            watchdog.CancelAfter(c.TimeoutMs); // re-arming one timer: small beside a round trip, and outside its timing
            long t0 = Stopwatch.GetTimestamp();
            if (i == c.Warmup) tBegin = t0;
            Frame reply;
            try
            {
                await req.SendAsync(buffer, cancellationToken: watchdog.Token).ConfigureAwait(false);
                reply = await req.ReceiveAsync(watchdog.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new CliException($"bench: timed out at round trip {i} of {total}", ExitCodes.Failure);
            }
            if (reply.Length != c.Size)
                throw new CliException($"bench: reply {i} has {reply.Length} bytes, expected {c.Size}", ExitCodes.Failure);
            reply.Span.CopyTo(buffer);
            reply.Dispose();
            if (i >= c.Warmup) rtt[i - c.Warmup] = Stopwatch.GetTimestamp() - t0;
        }
        return tBegin;
    }

    /// <summary>Sends every request back, asynchronously.</summary>
    private static async Task EchoAsync(ZeraSocket rep, BenchSettings c)
    {
        using var watchdog = new CancellationTokenSource();
        long total = c.Count + c.Warmup;
        for (long i = 0; i < total; i++)
        {
            watchdog.CancelAfter(c.TimeoutMs);
            try
            {
                var request = await rep.ReceiveAsync(watchdog.Token).ConfigureAwait(false);
                await rep.SendAsync(request, cancellationToken: watchdog.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new CliException($"bench: echo timed out at round trip {i} of {total}", ExitCodes.Failure);
            }
        }
    }
}
