using System.CommandLine;
using Zera.Cli.Commands;

namespace Zera.Cli.Bench;

/// <summary>
/// <c>zera bench thr|lat|fan</c>: the throughput, latency and fan-out measurements of the anchor harness
/// (<c>shared/anchors</c>), with its command line and its RESULT line, so that Zera runs beside libzmq and NetMQ;
/// <c>zera bench subs</c>, a publisher's send cost with many subscriptions (libzmq's side in <c>bench/subs</c>);
/// <c>zera bench hs</c>, the connection (handshake) rate, NULL or CURVE (libzmq's side in <c>bench/curve</c>).
/// </summary>
public static class BenchCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var bench = new Command("bench",
            "Measure throughput (thr), request-reply latency (lat) or pub/sub fan-out (fan) the way the libzmq/NetMQ " +
            "anchor harness does, a publisher's send cost with many subscriptions (subs), or the rate of connections " +
            "with their handshakes (hs, with or without CURVE), many connections to one socket (conns) or one PULL fed by many PUSH connections (fanin), printing one " +
            "'RESULT impl=zera ...' line of key=value pairs. Every blocking call is bounded by " +
            "ANCHOR_TIMEOUT_MS (default 20000).")
        {
            CreateThroughput(),
            CreateLatency(),
            CreateFanOut(),
            CreateSubscriptions(),
            CreateHandshakes(),
            CreateConnections(),
            CreateFanIn(),
        };
        return bench;
    }

    private static Command CreateThroughput()
    {
        var (endpoint, size) = (EndpointArgument(), SizeArgument());
        var count = Numbers.Argument("COUNT", "Messages to send (at least 2; the clock runs from the first received to the last).", 2L);
        var mode = ModeOption();
        var pattern = new Option<string>("--pattern", "-p")
        {
            Description = "pushpull (PUSH -> PULL) or pubsub (an XPUB sender that waits for the subscription -> a SUB " +
                          "subscribed to everything; both high-water marks unlimited, so nothing is dropped).",
            HelpName = "pushpull|pubsub",
            DefaultValueFactory = _ => "pushpull",
        }.AcceptOnlyFromAmong("pushpull", "pubsub");
        var copy = new Option<bool>("--copy", "-c")
        {
            Description = "Use the copying API (send a byte span, copy each received frame out) instead of frames " +
                          "(Frame.Allocate + Send(ref frame), Receive + Dispose).",
        };
        var useAsync = AsyncOption();
        var role = RoleOption("send|recv", "Play one side only: recv binds PULL and measures, send connects PUSH and sends. " +
                                           "Without it, this process measures and starts its own sender.", "send", "recv");
        var hold = HoldOption();
        var stats = Commands.StatsPrinter.Option();
        var curve = BenchCurve.CurveOption(
            "CURVE between the two sides (tcp or ipc): the measuring side (PULL) is the CURVE server with a new key pair " +
            "(or --curve-secret-key), the sender a client with an ephemeral key pair; a sender process is given the " +
            "server's public key. The RESULT line says mechanism=CURVE (otherwise NULL).");
        var curveServerKey = BenchCurve.ServerKeyOption(
            "With -r send: the CURVE public key of the receiver (which, with -r recv, prints it on stderr). Implies --curve.");
        var curveSecretKey = BenchCurve.SecretKeyOption(
            "This side's CURVE secret key (40 Z85 characters, from 'zera keygen'): the receiver's server key, or with " +
            "-r send the client's (otherwise an ephemeral pair). Implies --curve.");
        var command = new Command("thr",
            "One-way throughput: the measuring side binds PULL and receives COUNT messages of SIZE bytes, timed from " +
            "the first to the last; the sender connects PUSH. rate = (COUNT-1)/elapsed.")
        {
            endpoint, size, count, mode, pattern, copy, useAsync, role, hold, stats, curve, curveServerKey, curveSecretKey,
        };
        command.SetAction(result =>
        {
            var settings = Settings("thr", result.GetRequiredValue(endpoint), result.GetValue(size), result.GetValue(count),
                result.GetValue(mode), result.GetValue(role), result.GetValue(hold), -1);
            settings = settings with
            {
                Copy = result.GetValue(copy),
                Async = result.GetValue(useAsync),
                PubSub = result.GetValue(pattern) == "pubsub",
                Curve = BenchCurve.Resolve(result.GetValue(curve), result.GetValue(curveServerKey), result.GetValue(curveSecretKey),
                    settings.Transport, clientRole: settings.Role == "send", solo: settings.Solo, result.InvocationConfiguration.Error),
            };
            return Commands.StatsPrinter.Around(result.GetValue(stats), result.InvocationConfiguration.Error,
                () => ThroughputBench.Run(settings, result.InvocationConfiguration.Output));
        });
        return command;
    }

    private static Command CreateLatency()
    {
        var (endpoint, size) = (EndpointArgument(), SizeArgument());
        var count = Numbers.Argument("ROUNDTRIPS", "Timed round trips (at least 1).", 1L);
        var mode = ModeOption();
        var warmup = Numbers.Option("--warmup", "-w", "Untimed round trips first; -1 (the default) = min(1000, ROUNDTRIPS/10).", "N", -1L, -1L);
        var useAsync = AsyncOption();
        var role = RoleOption("req|rep", "Play one side only: req binds REQ and measures, rep connects REP and echoes. " +
                                         "Without it, this process measures and starts its own echo peer.", "req", "rep");
        var hold = HoldOption();
        var command = new Command("lat",
            "Request-reply latency: the measuring side binds REQ and times each round trip of a SIZE-byte message to " +
            "a REP peer that echoes it. Reports mean, one-way (mean/2), p50 and p99 round trip in microseconds.")
        {
            endpoint, size, count, mode, warmup, useAsync, role, hold,
        };
        command.SetAction(result =>
        {
            var settings = Settings("lat", result.GetRequiredValue(endpoint), result.GetValue(size), result.GetValue(count),
                result.GetValue(mode), result.GetValue(role), result.GetValue(hold), result.GetValue(warmup))
                with { Async = result.GetValue(useAsync) };
            return LatencyBench.Run(settings, result.InvocationConfiguration.Output);
        });
        return command;
    }

    private static Command CreateFanOut()
    {
        var (endpoint, size) = (EndpointArgument(), SizeArgument());
        var count = Numbers.Argument("COUNT", "Messages to publish (at least 2; each subscriber times its first to its last).", 2L);
        var mode = ModeOption();
        var subscribers = Numbers.Option("--subscribers", "-n", "How many subscribers (default 1).", "N", 1L, 1L);
        var role = RoleOption("pub|sub", "Play one side only: pub binds the XPUB, waits for N subscriptions and publishes; " +
                                         "sub connects one SUB, receives and prints its own RESULT line.", "pub", "sub");
        var hold = HoldOption();
        var command = new Command("fan",
            "Pub/sub fan-out: the measuring side binds an XPUB (send high-water mark unlimited, XPUB_VERBOSE), starts N " +
            "subscribers (SUB, receive mark unlimited, subscribed to everything), waits for their N subscriptions and " +
            "publishes COUNT messages of SIZE bytes. Each subscriber times its own first-to-last message; reported: the " +
            "slowest one's time and the aggregate deliveries per second, N*(COUNT-1)/elapsed.")
        {
            endpoint, size, count, mode, subscribers, role, hold,
        };
        command.SetAction(result =>
        {
            long n = result.GetValue(subscribers);
            if (n > 10_000) throw new CliException($"bench fan: at most 10000 subscribers (was {n})");
            var settings = Settings("fan", result.GetRequiredValue(endpoint), result.GetValue(size), result.GetValue(count),
                result.GetValue(mode), result.GetValue(role), result.GetValue(hold), -1) with { Subscribers = (int)n };
            return FanOutBench.Run(settings, result.InvocationConfiguration.Output);
        });
        return command;
    }

    private static Command CreateSubscriptions()
    {
        var size = Numbers.Argument("SIZE", $"Message size in bytes (at least {SubscriptionsBench.TopicLength}, the topic's length).", 0);
        var count = Numbers.Argument("COUNT", "Messages to send (timed).", 1L);
        var subscriptions = Numbers.Option("--subscriptions", "-n", "Distinct subscriptions the publisher holds (default 10000).", "N", 10_000L, 1L);
        var match = new Option<string>("--match", "-x")
        {
            Description = "one: each message matches one subscription and is delivered; none: it matches none (it shares " +
                          "the topics' first bytes, then differs) and goes nowhere.",
            HelpName = "one|none",
            DefaultValueFactory = _ => "one",
        }.AcceptOnlyFromAmong("one", "none");
        var batch = Numbers.Option("--batch", "-b", "Sends timed between two untimed drains of the subscriber (default 1000).", "N", 1000L, 1L);
        var command = new Command("subs",
            "Send cost with many subscriptions: an XPUB holding N distinct subscriptions of one SUB (inproc, this process) " +
            "sends COUNT messages of SIZE bytes that match one subscription or none; only the send calls are timed. " +
            "Reports ns_per_msg and subscribe_s (N subscriptions made and seen by the XPUB). bench/subs/subs.c measures " +
            "libzmq the same way.")
        {
            size, count, subscriptions, match, batch,
        };
        command.SetAction(result =>
        {
            long n = result.GetValue(subscriptions);
            if (n > 9_999_999) throw new CliException($"bench subs: at most 9999999 subscriptions (was {n})");
            long b = result.GetValue(batch);
            if (b > 1_000_000) throw new CliException($"bench subs: a batch is at most 1000000 messages (was {b})");
            return SubscriptionsBench.Run((int)n, result.GetValue(match) == "one", result.GetValue(size), result.GetValue(count),
                (int)b, BenchSettings.DefaultTimeoutMs(), result.InvocationConfiguration.Output);
        });
        return command;
    }

    private static Command CreateHandshakes()
    {
        var endpoint = EndpointArgument();
        var count = Numbers.Argument("COUNT", "Connections to make, one after the other (at least 1).", 1L);
        var curve = BenchCurve.CurveOption(
            "CURVE: the ROUTER is a CURVE server with a new key pair, each DEALER a client with a new ephemeral key pair. " +
            "The RESULT line says mechanism=CURVE (otherwise NULL).");
        var command = new Command("hs",
            "Handshake (connection) rate: a ROUTER bound at ENDPOINT echoes every message; COUNT times a new DEALER " +
            "connects, sends one message, waits for its echo and closes (linger 0), all in this process. Reports " +
            "conns_per_s = COUNT/elapsed. bench/curve/curve.c measures libzmq the same way.")
        {
            endpoint, count, curve,
        };
        command.SetAction(result =>
        {
            var settings = Settings("hs", result.GetRequiredValue(endpoint), 1, result.GetValue(count), "threads", null, false, -1);
            settings = settings with
            {
                Curve = BenchCurve.Resolve(result.GetValue(curve), null, null, settings.Transport, clientRole: false, solo: false,
                    result.InvocationConfiguration.Error),
            };
            return HandshakeBench.Run(settings, result.InvocationConfiguration.Output);
        });
        return command;
    }

    private static Command CreateFanIn()
    {
        var (endpoint, size) = (EndpointArgument(), SizeArgument());
        var count = Numbers.Argument("COUNT", "Messages in all (at least 2; the clock runs from the first received to the last).", 2L);
        var senders = Numbers.Option("--senders", "-n", "How many PUSH connections feed the PULL (default 1).", "N", 1L, 1L);
        var role = RoleOption("recv|send",
            "recv binds the PULL, receives COUNT messages and prints RESULT; send connects N PUSH sockets and sends COUNT " +
            "messages round-robin over them. Required.", "recv", "send");
        var command = new Command("fanin",
            "Fan-in: one PULL fed by N PUSH connections over tcp; both high-water marks unlimited. Reports msgs_per_s = " +
            "(COUNT-1)/elapsed at the receiver. bench/fanin/run.sh runs it beside libzmq (bench/fanin/fanin.c).")
        {
            endpoint, size, count, senders, role,
        };
        command.SetAction(result =>
        {
            string ep = result.GetRequiredValue(endpoint);
            int n = checked((int)result.GetValue(senders));
            return result.GetValue(role) switch
            {
                "recv" => FanInBench.Receive(ep, result.GetValue(size), result.GetValue(count), n,
                    BenchSettings.DefaultTimeoutMs(), result.InvocationConfiguration.Output),
                "send" => FanInBench.Send(ep, result.GetValue(size), result.GetValue(count), n),
                _ => throw new CliException("bench fanin: give --role recv or --role send", ExitCodes.Usage),
            };
        });
        return command;
    }

    private static Command CreateConnections()
    {
        var endpoint = EndpointArgument();
        var count = Numbers.Argument("COUNT", "Connections: the peers the server waits for, or the DEALERs a client makes (at least 1).", 1L);
        var role = RoleOption("server|client",
            "server binds a ROUTER, answers COUNT peers, measures and prints RESULT; client connects COUNT DEALERs. " +
            "Required.", "server", "client");
        var pattern = new Option<string>("--pattern", "-p")
        {
            Description = "routerdealer (a ROUTER answering DEALERs' hellos; the default) or pubsub (an XPUB waiting for " +
                          "COUNT SUBs' subscriptions, then publishing one message that every SUB waits for).",
            HelpName = "routerdealer|pubsub",
            DefaultValueFactory = _ => "routerdealer",
        }.AcceptOnlyFromAmong("routerdealer", "pubsub");
        var command = new Command("conns",
            "Many connections to one socket: the server (a ROUTER bound at ENDPOINT) answers each DEALER's hello; once " +
            "COUNT peers have been answered it samples its memory, releases them all and prints connect_s (first hello " +
            "to last), conns_per_s and the memory each connection added (rss_bytes_per_conn, heap_bytes_per_conn). " +
            "Clients (-r client) may be split over several processes. bench/conns/run.sh runs it beside libzmq.")
        {
            endpoint, count, role, pattern,
        };
        command.SetAction(result =>
        {
            string ep = result.GetRequiredValue(endpoint);
            long n = result.GetValue(count);
            int timeoutMs = BenchSettings.DefaultTimeoutMs();
            bool pubSub = result.GetValue(pattern) == "pubsub";
            return result.GetValue(role) switch
            {
                "server" => ConnectionsBench.Server(ep, n, pubSub, timeoutMs, result.InvocationConfiguration.Output, result.InvocationConfiguration.Error),
                "client" => ConnectionsBench.Client(ep, n, pubSub, timeoutMs, result.InvocationConfiguration.Error),
                _ => throw new CliException("bench conns: give --role server or --role client", ExitCodes.Usage),
            };
        });
        return command;
    }

    private static Argument<string> EndpointArgument() => new("ENDPOINT")
    {
        Description = "tcp://127.0.0.1:PORT (loopback only; PORT may be *), ipc:///PATH or inproc://NAME.",
    };

    private static Argument<int> SizeArgument() => Numbers.Argument("SIZE", "Message size in bytes.", 0);

    private static Option<string?> ModeOption() => new Option<string?>("--mode", "-m")
    {
        Description = "Where the peer runs: procs (this executable started again; default for tcp and ipc) or " +
                      "threads (a second thread; default and only choice for inproc).",
        HelpName = "threads|procs",
    }.AcceptOnlyFromAmong("threads", "procs");

    private static Option<string?> RoleOption(string helpName, string description, params string[] roles) =>
        new Option<string?>("--role", "-r") { Description = description, HelpName = helpName }.AcceptOnlyFromAmong(roles);

    private static Option<bool> AsyncOption() => new("--async", "-a")
    {
        Description = "Use the async API (SendAsync, ReceiveAsync, with their loops on the thread pool) instead of the " +
                      "blocking calls; the RESULT line says api=async-msg (or async-copy with --copy) for thr, api=async for lat.",
    };

    private static Option<bool> HoldOption() => new("--hold", "-W")
    {
        Description = "As a peer: keep the socket open until stdin reaches EOF (the measuring parent closes it when done).",
    };

    private static BenchSettings Settings(string test, string endpoint, int size, long count, string? mode, string? role,
        bool hold, long warmup)
    {
        int sep = endpoint.IndexOf("://", StringComparison.Ordinal);
        if (sep <= 0)
            throw new CliException($"bench: '{endpoint}' is not an endpoint (tcp://127.0.0.1:PORT, ipc:///PATH or inproc://NAME)");
        string transport = endpoint[..sep];
        if (transport is not ("tcp" or "ipc" or "inproc"))
            throw new CliException($"bench: unknown transport '{transport}' (tcp, ipc or inproc)");
        if (transport == "tcp")
        {
            string host = endpoint[(sep + 3)..];
            if (!(host.StartsWith("127.", StringComparison.Ordinal) || host.StartsWith("localhost:", StringComparison.Ordinal)
                  || host.StartsWith("[::1]:", StringComparison.Ordinal)))
                throw new CliException($"bench: '{endpoint}': tcp endpoints must be on loopback (127.x.x.x, localhost or [::1])");
        }
        mode ??= transport == "inproc" ? "threads" : "procs";
        if (mode == "procs" && transport == "inproc")
            throw new CliException("bench: inproc works only within one process: use -m threads");
        if (size < 0) throw new CliException($"bench: SIZE must not be negative (was {size})");
        if (test is "thr" or "fan" && count < 2) throw new CliException($"bench {test}: COUNT must be at least 2 (was {count})");
        if (test == "hs" && count < 1) throw new CliException($"bench hs: COUNT must be at least 1 (was {count})");
        if (test == "lat" && count < 1) throw new CliException($"bench lat: ROUNDTRIPS must be at least 1 (was {count})");
        if (test == "lat" && count > Array.MaxLength) throw new CliException($"bench lat: ROUNDTRIPS must be at most {Array.MaxLength}");
        if (warmup < 0) warmup = Math.Min(1000, count / 10);
        return new BenchSettings
        {
            Test = test,
            Mode = mode,
            Role = role,
            Hold = hold,
            Warmup = warmup,
            Endpoint = endpoint,
            Size = size,
            Count = count,
            Transport = transport,
        };
    }
}
