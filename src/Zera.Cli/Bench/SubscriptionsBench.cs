using System.Diagnostics;
using System.Text;

namespace Zera.Cli.Bench;

/// <summary>
/// <c>bench subs</c>: what a send costs a publisher that holds many subscriptions. One XPUB and one SUB in this
/// process over inproc (no I/O in the measurement); the SUB subscribes to N distinct topics of the same length
/// ("sub-0000000" ...), the XPUB reads the N notices, then sends COUNT messages of SIZE bytes whose topic matches
/// one subscription (and is delivered) or none (it shares the topics' first bytes, then differs). Only the send
/// calls are timed, in batches; between batches the SUB takes what was delivered, untimed, so the queue never grows.
/// <c>bench/subs/subs.c</c> measures libzmq the same way.
/// </summary>
public static class SubscriptionsBench
{
    /// <summary>The topics' common start, then a 7-digit number.</summary>
    public const string TopicPrefix = "sub-";

    /// <summary>The length of every topic.</summary>
    public const int TopicLength = 11;

    private const string Endpoint = "inproc://zera-bench-subs";

    /// <summary>Runs the measurement and prints the RESULT line.</summary>
    public static int Run(int subscriptions, bool match, int size, long count, int batch, int timeoutMs, TextWriter stdout)
    {
        if (size < TopicLength) throw new CliException($"bench subs: SIZE must be at least {TopicLength}, the topic's length (was {size})");
        using var context = new Context();
        using var pub = context.CreateSocket(SocketType.XPub);
        pub.SendHighWatermark = 0;
        pub.ReceiveHighWatermark = 0;
        pub.ReceiveTimeout = timeoutMs;
        pub.Linger = 0;
        pub.Bind(Endpoint);
        using var sub = context.CreateSocket(SocketType.Sub);
        sub.SendHighWatermark = 0;
        sub.ReceiveHighWatermark = 0;
        sub.ReceiveTimeout = timeoutMs;
        sub.Linger = 0;
        sub.Connect(Endpoint);

        long setupStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < subscriptions; i++) sub.Subscribe(Topic(i));
        for (int got = 0; got < subscriptions; got++)
        {
            if (!pub.TryReceive(out var notice, TimeSpan.FromMilliseconds(timeoutMs)))
                throw new CliException($"bench subs: the XPUB saw {got} of {subscriptions} subscriptions", ExitCodes.Failure);
            notice.Dispose();
        }
        double setupSeconds = Elapsed(setupStart);

        var message = new byte[size];
        Encoding.ASCII.GetBytes(match ? Topic(subscriptions / 2) : TopicPrefix + "xxxxxxx", message);
        message.AsSpan(TopicLength).Fill(0x2A);

        Publish(pub, sub, message, match, batch, batch, timeoutMs); // warm-up, untimed
        long ticks = 0;
        for (long sent = 0; sent < count; sent += batch)
            ticks += Publish(pub, sub, message, match, (int)Math.Min(batch, count - sent), batch, timeoutMs);
        if (!match && sub.TryReceive(out var stray, TimeSpan.Zero))
        {
            stray.Dispose();
            throw new CliException("bench subs: a message that matches no subscription was delivered", ExitCodes.Failure);
        }
        double seconds = ticks / (double)Stopwatch.Frequency;
        stdout.WriteLine(ResultLine.Inv(
            $"{ResultLine.Prefix("subs")} transport=inproc subscriptions={subscriptions} match={(match ? "one" : "none")} size={size} count={count} batch={batch} subscribe_s={setupSeconds:F6} send_s={seconds:F6} ns_per_msg={seconds * 1e9 / count:F1} msgs_per_s={count / seconds:F0}"));
        return ExitCodes.Ok;
    }

    /// <summary>Sends <paramref name="n"/> copies of <paramref name="message"/>; returns the ticks the sends took.
    /// Then, untimed, the subscriber takes what was delivered.</summary>
    private static long Publish(ZeraSocket pub, ZeraSocket sub, byte[] message, bool match, int n, int batch, int timeoutMs)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < n; i++) pub.Send(message); // the copying call, as zmq_send
        long ticks = Stopwatch.GetTimestamp() - start;
        if (match)
        {
            for (int i = 0; i < n; i++)
            {
                if (!sub.TryReceive(out var f, TimeSpan.FromMilliseconds(timeoutMs)))
                    throw new CliException($"bench subs: the subscriber got {i} of a batch of {batch}", ExitCodes.Failure);
                f.Dispose();
            }
        }
        return ticks;
    }

    private static string Topic(int i) => TopicPrefix + i.ToString("D7", System.Globalization.CultureInfo.InvariantCulture);

    private static double Elapsed(long start) => (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
}
