using System.Diagnostics;

namespace Zera.Cli.Bench;

/// <summary>
/// <c>bench fanin</c>: one PULL fed by N PUSH connections over tcp. The receiver binds and times COUNT messages of
/// SIZE bytes from the first to the last; a sender process connects N PUSH sockets and sends the COUNT messages
/// round-robin over them. Both high-water marks are unlimited, so no sender ever waits. rate = (COUNT-1)/elapsed, as
/// <c>bench/fanin/fanin.c</c> computes it for libzmq; <c>bench/fanin/run.sh</c> runs both.
/// </summary>
public static class FanInBench
{
    /// <summary>The receiving side: prints the RESULT line.</summary>
    public static int Receive(string endpoint, int size, long count, int senders, int timeoutMs, TextWriter stdout)
    {
        using var context = new Context();
        using var pull = context.CreateSocket(SocketType.Pull);
        pull.ReceiveHighWatermark = 0;
        pull.Bind(endpoint);
        var timeout = TimeSpan.FromMilliseconds(timeoutMs);
        long t0 = 0;
        for (long i = 0; i < count; i++)
        {
            if (!pull.TryReceive(out var frame, timeout))
                throw new CliException($"bench: {i} of {count} messages arrived; none more within {timeoutMs} ms", ExitCodes.Failure);
            int got = frame.Length;
            frame.Dispose();
            if (got != size) throw new CliException($"bench: message {i} has {got} bytes, not {size}", ExitCodes.Failure);
            if (i == 0) t0 = Stopwatch.GetTimestamp();
        }
        double seconds = (Stopwatch.GetTimestamp() - t0) / (double)Stopwatch.Frequency;
        stdout.WriteLine(ResultLine.Inv(
            $"{ResultLine.Prefix("fanin")} transport=tcp size={size} count={count} senders={senders} elapsed_s={seconds:F6} msgs_per_s={(count - 1) / seconds:F0}"));
        return ExitCodes.Ok;
    }

    /// <summary>The sending side: N PUSH sockets, COUNT messages round-robin over them, then linger until all left.</summary>
    public static int Send(string endpoint, int size, long count, int senders)
    {
        using var context = new Context();
        var pushes = new ZeraSocket[senders];
        try
        {
            for (int i = 0; i < senders; i++)
            {
                pushes[i] = context.CreateSocket(SocketType.Push);
                pushes[i].SendHighWatermark = 0;
                pushes[i].Connect(endpoint);
            }
            for (long i = 0; i < count; i++)
            {
                var frame = Frame.Allocate(size);
                pushes[i % senders].Send(ref frame);
            }
        }
        finally
        {
            foreach (var push in pushes) push?.Dispose();
        }
        return ExitCodes.Ok;
    }
}
