using System.Diagnostics;
using System.Globalization;

namespace Zera.Cli.Tour;

/// <summary>The tour's two exchanges, each between two sockets of one context, the peer in a second thread.</summary>
public static class TourExchanges
{
    private const int SampleCount = 3;

    /// <summary>REQ/REP: three text requests answered upper-cased, then <paramref name="roundTrips"/> timed round
    /// trips of <paramref name="size"/> bytes.</summary>
    public static TourRow RequestReply(Context context, string transport, string bindEndpoint, int roundTrips, int size, int timeoutMs)
    {
        using var rep = Configure(context.CreateSocket(SocketType.Rep), timeoutMs);
        rep.Bind(bindEndpoint);
        string endpoint = rep.LastEndpoint!;
        using var req = Configure(context.CreateSocket(SocketType.Req), timeoutMs);
        req.Connect(endpoint);

        int total = SampleCount + roundTrips;
        var server = new PeerThread("rep", () =>
        {
            for (int i = 0; i < total; i++)
            {
                var request = rep.Receive();
                UpperCase(request.Span);
                rep.Send(ref request);
            }
        });

        var samples = new List<string>();
        for (int k = 1; k <= SampleCount; k++)
        {
            string request = $"hello {k}";
            req.Send(request);
            samples.Add($"{Quote(request)} -> {Quote(req.ReceiveString())}");
        }
        var payload = new byte[size];
        Array.Fill(payload, (byte)'x');
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < roundTrips; i++)
        {
            req.Send(payload);
            req.Receive().Dispose();
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        server.Join(timeoutMs);

        return new TourRow("request-reply\nREQ -> REP", transport, endpoint, samples,
            Inv($"{roundTrips:N0} round trips\nof {size} B in {seconds:F2} s"),
            Inv($"{roundTrips / seconds:N0} round trips/s\n{seconds * 1e6 / roundTrips:F1} µs per round trip"));
    }

    /// <summary>PUSH/PULL: three text messages, then <paramref name="messages"/> of <paramref name="size"/> bytes,
    /// timed from the first received to the last.</summary>
    public static TourRow Pipeline(Context context, string transport, string bindEndpoint, int messages, int size, int timeoutMs)
    {
        using var pull = Configure(context.CreateSocket(SocketType.Pull), timeoutMs);
        pull.Bind(bindEndpoint);
        string endpoint = pull.LastEndpoint!;
        using var push = Configure(context.CreateSocket(SocketType.Push), timeoutMs);
        push.Connect(endpoint);

        var sender = new PeerThread("push", () =>
        {
            for (int k = 1; k <= SampleCount; k++) push.Send($"task {k}");
            for (int i = 0; i < messages; i++)
            {
                var frame = Frame.Allocate(size);
                frame.Span.Fill((byte)'x');
                push.Send(ref frame);
            }
        });

        var samples = new List<string>();
        for (int k = 0; k < SampleCount; k++) samples.Add($"{Quote(pull.ReceiveString())} received");
        double seconds = TimeReceiving(pull, messages, framesPerMessage: 1);
        sender.Join(timeoutMs);
        return ThroughputRow("pipeline\nPUSH -> PULL", transport, endpoint, samples, messages, size, seconds);
    }

    /// <summary>PUB/SUB: an XPUB (so it can wait for both subscriptions: nothing published is missed) and two SUBs
    /// with different prefixes; three samples show who got what, then <paramref name="messages"/> of
    /// <paramref name="size"/> bytes under one topic are timed at its subscriber.</summary>
    public static TourRow PubSub(Context context, string transport, string bindEndpoint, int messages, int size, int timeoutMs)
    {
        using var pub = Configure(context.CreateSocket(SocketType.XPub), timeoutMs);
        pub.SendHighWatermark = 0;
        pub.Bind(bindEndpoint);
        string endpoint = pub.LastEndpoint!;
        using var weather = Configure(context.CreateSocket(SocketType.Sub), timeoutMs);
        weather.ReceiveHighWatermark = 0;
        weather.Subscribe("weather.");
        weather.Connect(endpoint);
        using var sports = Configure(context.CreateSocket(SocketType.Sub), timeoutMs);
        sports.Subscribe("sports.");
        sports.Connect(endpoint);
        for (int got = 0; got < 2; got++) pub.Receive().Dispose(); // both subscriptions are in

        string[] samples = ["weather.paris 21C", "sports.goal 1-0", "weather.oslo -3C"];
        var publisher = new PeerThread("pub", () =>
        {
            foreach (var sample in samples) pub.Send(sample);
            for (int i = 0; i < messages; i++)
            {
                pub.Send("weather.", more: true);
                var frame = Frame.Allocate(size);
                frame.Span.Fill((byte)'x');
                pub.Send(ref frame);
            }
        });

        var seen = new List<string>
        {
            $"\"weather.\" got {Quote(weather.ReceiveString())}",
            $"\"weather.\" got {Quote(weather.ReceiveString())}",
            $"\"sports.\" got {Quote(sports.ReceiveString())}",
        };
        double seconds = TimeReceiving(weather, messages, framesPerMessage: 2); // topic frame, then the payload
        publisher.Join(timeoutMs);
        return ThroughputRow("publish-subscribe\nXPUB -> 2 SUBs", transport, endpoint, seen, messages, size, seconds);
    }

    /// <summary>Receives <paramref name="messages"/> messages; the time from the first to the last, in seconds.</summary>
    private static double TimeReceiving(ZeraSocket socket, int messages, int framesPerMessage)
    {
        long start = 0;
        for (int i = 0; i < messages; i++)
        {
            for (int f = 0; f < framesPerMessage; f++) socket.Receive().Dispose();
            if (i == 0) start = Stopwatch.GetTimestamp();
        }
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static TourRow ThroughputRow(string pattern, string transport, string endpoint, IReadOnlyList<string> samples,
        int messages, int size, double seconds)
    {
        double rate = Math.Max(1, messages - 1) / seconds;
        return new TourRow(pattern, transport, endpoint, samples,
            Inv($"{messages:N0} messages\nof {size} B in {seconds:F2} s"),
            Inv($"{rate:N0} msgs/s\n{rate * size / 1e6:F1} MB/s"));
    }

    private static ZeraSocket Configure(ZeraSocket socket, int timeoutMs)
    {
        socket.SendTimeout = timeoutMs;
        socket.ReceiveTimeout = timeoutMs;
        socket.Linger = 0;
        return socket;
    }

    private static void UpperCase(Span<byte> text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] is >= (byte)'a' and <= (byte)'z') text[i] -= 'a' - 'A';
        }
    }

    private static string Quote(string text) => "\"" + text + "\"";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The peer side of an exchange; <see cref="Join"/> rethrows its failure.</summary>
    private sealed class PeerThread
    {
        private readonly Thread _thread;
        private readonly string _name;
        private Exception? _error;

        public PeerThread(string name, Action body)
        {
            _name = name;
            _thread = new Thread(() =>
            {
                try
                {
                    body();
                }
                catch (Exception e)
                {
                    _error = e;
                }
            }) { IsBackground = true, Name = "tour-" + name };
            _thread.Start();
        }

        public void Join(int timeoutMs)
        {
            if (!_thread.Join(timeoutMs)) throw new CliException($"tour: the {_name} side did not finish within {timeoutMs} ms", ExitCodes.Failure);
            if (_error != null) throw new CliException($"tour: the {_name} side failed: {_error.Message}", ExitCodes.Failure);
        }
    }

}
