using System.Diagnostics;

namespace Zera.Cli.Bench;

/// <summary>
/// <c>bench thr</c>: PULL binds and receives COUNT messages of SIZE bytes, timed from the first received to the last;
/// PUSH connects and sends them. rate = (COUNT-1)/elapsed, as libzmq's perf tools and the anchors compute it.
/// </summary>
public static partial class ThroughputBench
{
    /// <summary>Runs the role the settings give and prints the RESULT line when measuring.</summary>
    public static int Run(BenchSettings c, TextWriter stdout)
    {
        PeerLifetime.ArmIfPeer();
        if (c.Role == "send")
        {
            using var context = new Context();
            RunSender(context, c, c.Endpoint);
            return ExitCodes.Ok;
        }
        return Measure(c, stdout);
    }

    private static int Measure(BenchSettings c, TextWriter stdout)
    {
        long t0 = 0, t1;
        using (var context = new Context())
        {
            using var pull = context.CreateSocket(c.PubSub ? SocketType.Sub : SocketType.Pull);
            pull.ReceiveTimeout = c.TimeoutMs;
            pull.Linger = 0;
            if (c.PubSub)
            {
                pull.ReceiveHighWatermark = 0;
                pull.Subscribe("");
            }
            c.Curve?.ApplyServer(pull);
            pull.Bind(c.Endpoint);
            string endpoint = pull.LastEndpoint ?? c.Endpoint; // a tcp "*" port resolved

            using var peer = c.Solo ? null : StartSender(context, c, endpoint);
            long i = 0;
            try
            {
                if (c.Async)
                {
                    t0 = ReceiveAllAsync(pull, c).GetAwaiter().GetResult(); // its own timeouts name the message
                }
                else if (c.Copy)
                {
                    var buffer = new byte[c.Size];
                    var timeout = TimeSpan.FromMilliseconds(c.TimeoutMs);
                    for (; i < c.Count; i++)
                    {
                        if (!pull.TryReceive(out var frame, timeout)) throw Timeout(i, c.Count);
                        if (frame.Length != c.Size) throw WrongSize(i, frame.Length, c.Size);
                        frame.Span.CopyTo(buffer);
                        frame.Dispose();
                        if (i == 0) t0 = Stopwatch.GetTimestamp();
                    }
                }
                else
                {
                    for (; i < c.Count; i++)
                    {
                        var frame = pull.Receive();
                        if (frame.Length != c.Size) throw WrongSize(i, frame.Length, c.Size);
                        frame.Dispose();
                        if (i == 0) t0 = Stopwatch.GetTimestamp();
                    }
                }
            }
            catch (ZeraException e) when (e.Kind == ErrorKind.WouldBlock)
            {
                throw Timeout(i, c.Count);
            }
            t1 = Stopwatch.GetTimestamp();
            peer?.Finish();
        }

        double seconds = (t1 - t0) / (double)Stopwatch.Frequency;
        double rate = (c.Count - 1) / seconds;
        stdout.WriteLine(ResultLine.Inv(
            $"{ResultLine.Prefix("thr")} transport={c.Transport} pattern={(c.PubSub ? "pubsub" : "pushpull")} mechanism={BenchCurve.Label(c.Curve)} mode={c.ModeLabel} api={ApiLabel(c)} size={c.Size} count={c.Count} elapsed_s={seconds:F6} msgs_per_s={rate:F0} mb_per_s={rate * c.Size / 1e6:F2}"));
        return ExitCodes.Ok;
    }

    private static BenchPeer StartSender(Context context, BenchSettings c, string endpoint)
    {
        if (c.Mode == "threads") return BenchPeer.StartThread("sender", () => RunSender(context, c, endpoint), c.TimeoutMs);
        var args = new List<string> { "thr", "-r", "send", "-W", "-p", c.PubSub ? "pubsub" : "pushpull" };
        if (c.Copy) args.Add("-c");
        if (c.Async) args.Add("-a");
        if (c.Curve != null) args.AddRange(["--curve", "--curve-server-key", c.Curve.ServerPublicKey]);
        args.AddRange([endpoint, BenchSettings.Inv(c.Size), BenchSettings.Inv(c.Count)]);
        return BenchPeer.StartProcess("sender", args, c.TimeoutMs);
    }

    private static void RunSender(Context context, BenchSettings c, string endpoint)
    {
        using var push = context.CreateSocket(c.PubSub ? SocketType.XPub : SocketType.Push);
        push.Linger = c.TimeoutMs; // a bounded flush on close
        push.SendTimeout = c.TimeoutMs;
        if (c.PubSub) push.SendHighWatermark = 0;
        c.Curve?.ApplyClient(push);
        push.Connect(endpoint);
        if (c.PubSub)
        {
            // The XPUB hands over the subscription: only from then on is nothing dropped.
            push.ReceiveTimeout = c.TimeoutMs;
            if (!push.TryReceive(out var subscription, TimeSpan.FromMilliseconds(c.TimeoutMs)))
                throw new CliException("bench: no subscription reached the XPUB sender", ExitCodes.Failure);
            subscription.Dispose();
        }
        long i = 0;
        try
        {
            if (c.Async)
            {
                SendAllAsync(push, c).GetAwaiter().GetResult();
            }
            else if (c.Copy)
            {
                var buffer = new byte[c.Size];
                Array.Fill(buffer, (byte)'x');
                for (; i < c.Count; i++) push.Send(buffer);
            }
            else
            {
                // No payload fill, as libzmq's perf tools and the other anchors.
                for (; i < c.Count; i++)
                {
                    var frame = Frame.Allocate(c.Size);
                    push.Send(ref frame);
                }
            }
        }
        catch (ZeraException e) when (e.Kind == ErrorKind.WouldBlock)
        {
            throw new CliException($"bench: send timed out at message {i} of {c.Count}", ExitCodes.Failure);
        }
        if (c.Hold) PeerLifetime.WaitForStdinEof(c.TimeoutMs);
    }

    private static CliException Timeout(long received, long count) =>
        new($"bench: timed out after {received} of {count} messages", ExitCodes.Failure);

    private static CliException WrongSize(long index, int size, int expected) =>
        new($"bench: message {index} has {size} bytes, expected {expected}", ExitCodes.Failure);
}
