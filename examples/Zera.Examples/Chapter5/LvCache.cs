using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter5;

/// <summary>lvcache: a last-value cache between a publisher and its subscribers. It keeps the latest value of each
/// topic it forwards, and when a subscription comes up from an XPUB it sends that topic's cached value at once, so a
/// subscriber that joins late does not wait for the next update.</summary>
public sealed class LvCache : IExample
{
    /// <inheritdoc/>
    public static string Name => "lvcache";

    /// <inheritdoc/>
    public static string Summary => "Last-value cache: SUB in, XPUB out, the latest value per topic sent to each new subscriber";

    /// <inheritdoc/>
    public static string Usage => """
        --frontend ENDPOINT   where publishers connect, sending [topic, value] (default tcp://*:5557)
        --backend ENDPOINT    where subscribers connect (default tcp://*:5558)
        Runs until Ctrl-C.
        """;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        // The Guide's code connects its SUB to tcp://*:5557, while its publisher (pathopub) connects there too: the
        // cache is the one that binds.
        string frontendEndpoint = args.Option("--frontend", "tcp://*:5557");
        string backendEndpoint = args.Option("--backend", "tcp://*:5558");
        args.EnsureAllRead();

        using var context = new Context();
        using var frontend = context.CreateSocket(SocketType.Sub);
        frontend.Subscribe(""); // every topic
        frontend.Bind(frontendEndpoint);
        using var backend = context.CreateSocket(SocketType.XPub);
        // By default an XPUB passes up only a topic's first subscription, so a second subscriber of a topic would
        // get nothing from the cache; verbose passes every one. (Subscribers already on the topic see the value
        // again: XPubManualLastValue would aim it at the newcomer, but it also aims the next update there when
        // nothing is cached.)
        backend.XPubVerbose = true;
        backend.Bind(backendEndpoint);
        Console.WriteLine($"caching {frontend.LastEndpoint} for {backend.LastEndpoint}");

        var cache = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var poller = new Poller();
        poller.Add(frontend, PollEvents.In);
        poller.Add(backend, PollEvents.In);
        var ready = new PollResult[2];
        while (true)
        {
            int n = await poller.WaitAsync(ready, Timeout.InfiniteTimeSpan, interrupted);
            for (int i = 0; i < n; i++)
            {
                if (ready[i].Socket == frontend)
                {
                    // New data: cache it, then forward it.
                    var message = frontend.ReceiveMultipart();
                    if (message.Count != 2) continue; // not [topic, value]
                    string topic = System.Text.Encoding.UTF8.GetString(message[0]);
                    if (!cache.ContainsKey(topic)) Console.WriteLine($"Caching new topic {topic}");
                    cache[topic] = message[1];
                    backend.SendMultipart(message);
                }
                else
                {
                    // A subscription (1, then the topic) or a cancel (0, then the topic).
                    using var subscription = backend.Receive();
                    var bytes = subscription.Span;
                    if (bytes.Length == 0 || bytes[0] != 1) continue;
                    string topic = System.Text.Encoding.UTF8.GetString(bytes[1..]);
                    Console.WriteLine($"Sending cached topic {topic}");
                    if (cache.TryGetValue(topic, out var value)) backend.SendMultipart([bytes[1..].ToArray(), value]);
                }
            }
        }
    }
}
