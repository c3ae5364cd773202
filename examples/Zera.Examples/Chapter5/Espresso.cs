using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter5;

/// <summary>espresso: watching pub-sub traffic through a proxy. A publisher task sends random "X-12345" messages, an
/// XSUB-XPUB proxy forwards them to a subscriber task that wants topics A and B, and the proxy's capture socket hands
/// a listener task a copy of every frame, both ways: the data going down and the subscriptions going up.</summary>
public sealed class Espresso : IExample
{
    /// <inheritdoc/>
    public static string Name => "espresso";

    /// <inheritdoc/>
    public static string Summary => "Pub-sub tracing: an XSUB-XPUB proxy whose capture socket feeds a listener";

    /// <inheritdoc/>
    public static string Usage => """
        --publisher ENDPOINT    where the publisher binds and the proxy connects (default tcp://*:6000)
        --subscriber ENDPOINT   where the proxy binds and the subscriber connects (default tcp://*:6001)
        --count N               messages the subscriber reads before it leaves (default 5)
        --interval MS           the publisher's pause between messages (default 100)
        Runs until Ctrl-C.
        """;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        string publisherEndpoint = args.Option("--publisher", "tcp://*:6000");
        string subscriberEndpoint = args.Option("--subscriber", "tcp://*:6001");
        int count = args.Int("--count", 5);
        int intervalMs = args.Int("--interval", 100);
        args.EnsureAllRead();

        using var context = new Context();
        // Bound here so that its address is known before the proxy connects; from then on only the publisher task
        // uses it.
        using var publisher = context.CreateSocket(SocketType.Pub);
        publisher.Bind(publisherEndpoint);
        using var upstream = context.CreateSocket(SocketType.XSub);
        upstream.Connect(Endpoint.ToConnect(publisher.LastEndpoint!));
        using var downstream = context.CreateSocket(SocketType.XPub);
        downstream.Bind(subscriberEndpoint);
        using var capture = context.CreateSocket(SocketType.Pair);
        capture.Bind("inproc://espresso-listener");

        var tasks = new[]
        {
            Task.Run(() => PublishAsync(publisher, intervalMs, interrupted), interrupted),
            Task.Run(() => SubscribeAsync(context, Endpoint.ToConnect(downstream.LastEndpoint!), count, interrupted), interrupted),
            Task.Run(() => ListenAsync(context, interrupted), interrupted),
        };
        Console.WriteLine($"proxying {Endpoint.ToConnect(publisher.LastEndpoint!)} to {downstream.LastEndpoint} (Ctrl-C to stop)");
        await Proxy.RunAsync(upstream, downstream, capture, cancellationToken: interrupted);
        Console.WriteLine(" interrupted");

        // The same Ctrl-C token ends the three tasks; their sockets close before the context does.
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (OperationCanceledException)
        {
        }
        return 0;
    }

    /// <summary>Random messages whose first letter, A to J, is the topic.</summary>
    private static async Task PublishAsync(ZeraSocket publisher, int intervalMs, CancellationToken interrupted)
    {
        var random = Random.Shared;
        while (true)
        {
            publisher.Send($"{(char)('A' + random.Next(10))}-{random.Next(100_000):D5}");
            await Task.Delay(intervalMs, interrupted);
        }
    }

    /// <summary>Subscribes to A and B, reads <paramref name="count"/> messages, and leaves (its cancels go up too).</summary>
    private static async Task SubscribeAsync(Context context, string endpoint, int count, CancellationToken interrupted)
    {
        using var subscriber = context.CreateSocket(SocketType.Sub);
        subscriber.Connect(endpoint);
        subscriber.Subscribe("A");
        subscriber.Subscribe("B");
        string last = "";
        for (int i = 0; i < count; i++) last = await subscriber.ReceiveStringAsync(interrupted);
        Console.WriteLine($"subscriber: read {count} messages, the last {last}");
    }

    /// <summary>Prints every frame that crosses the proxy, as the Guide's zframe_print does.</summary>
    private static async Task ListenAsync(Context context, CancellationToken interrupted)
    {
        using var pipe = context.CreateSocket(SocketType.Pair);
        pipe.Connect("inproc://espresso-listener");
        while (true)
        {
            using var frame = await pipe.ReceiveAsync(interrupted);
            Console.WriteLine(SocketExtensions.Describe(frame.Span));
        }
    }
}
