using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter2;

/// <summary>psenvpub: pub-sub envelopes. The key goes in a frame of its own ahead of the content, so subscribers
/// match on the key alone and the content can be anything.</summary>
public sealed class PsEnvPub : IExample
{
    /// <inheritdoc/>
    public static string Name => "psenvpub";

    /// <inheritdoc/>
    public static string Summary => "Pub-sub envelope publisher: two-frame messages, key \"A\" or \"B\" then content";

    /// <inheritdoc/>
    public static string Usage => """
        --bind ENDPOINT   where subscribers connect (default tcp://*:5563)
        --interval MS     pause between rounds (default 1000)
        --count N         publish N rounds, then exit (default: until Ctrl-C)
        """;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        string endpoint = args.Option("--bind", "tcp://*:5563");
        int intervalMs = args.Int("--interval", 1000);
        int? count = args.OptionalInt("--count");
        args.EnsureAllRead();

        using var context = new Context();
        using var publisher = context.CreateSocket(SocketType.Pub);
        publisher.Bind(endpoint);
        Console.WriteLine($"publishing on {publisher.LastEndpoint}");
        for (int round = 0; count is null || round < count; round++)
        {
            publisher.SendMultipart("A", "We don't want to see this");
            publisher.SendMultipart("B", "We would like to see this");
            await Task.Delay(intervalMs, interrupted);
        }
        return 0;
    }
}
