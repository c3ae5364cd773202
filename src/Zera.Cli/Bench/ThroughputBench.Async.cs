using System.Diagnostics;

namespace Zera.Cli.Bench;

// bench thr --async: the same stream through SendAsync and ReceiveAsync, to compare the two APIs row by row. The
// loops run on the thread pool (the calling thread only waits for the whole loop), as an async application's would.
public static partial class ThroughputBench
{
    /// <summary>Messages between two re-arms of the watchdog that bounds a stalled stream by the timeout.</summary>
    private const int WatchdogEvery = 1024;

    /// <summary>The RESULT line's api field: frames or copies, and blocking or async.</summary>
    private static string ApiLabel(BenchSettings c) => (c.Async ? "async-" : "") + (c.Copy ? "copy" : "msg");

    /// <summary>Receives COUNT messages with ReceiveAsync; returns the timestamp of the first.</summary>
    private static async Task<long> ReceiveAllAsync(ZeraSocket pull, BenchSettings c)
    {
        using var watchdog = new CancellationTokenSource(c.TimeoutMs);
        var buffer = c.Copy ? new byte[c.Size] : null;
        long t0 = 0;
        for (long i = 0; i < c.Count; i++)
        {
            Frame frame;
            try
            {
                frame = await pull.ReceiveAsync(watchdog.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw Timeout(i, c.Count);
            }
            if (frame.Length != c.Size) throw WrongSize(i, frame.Length, c.Size);
            if (buffer != null) frame.Span.CopyTo(buffer);
            frame.Dispose();
            if (i == 0) t0 = Stopwatch.GetTimestamp();
            if (i % WatchdogEvery == 0) watchdog.CancelAfter(c.TimeoutMs);
        }
        return t0;
    }

    /// <summary>Sends COUNT messages with SendAsync: fresh frames, or copies of one buffer with --copy.</summary>
    private static async Task SendAllAsync(ZeraSocket push, BenchSettings c)
    {
        using var watchdog = new CancellationTokenSource(c.TimeoutMs);
        byte[]? buffer = null;
        if (c.Copy)
        {
            buffer = new byte[c.Size];
            Array.Fill(buffer, (byte)'x');
        }
        for (long i = 0; i < c.Count; i++)
        {
            try
            {
                if (buffer != null) await push.SendAsync(buffer, cancellationToken: watchdog.Token).ConfigureAwait(false);
                else await push.SendAsync(Frame.Allocate(c.Size), cancellationToken: watchdog.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new CliException($"bench: send timed out at message {i} of {c.Count}", ExitCodes.Failure);
            }
            if (i % WatchdogEvery == 0) watchdog.CancelAfter(c.TimeoutMs);
        }
    }
}
