using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter2;

/// <summary>syncpub: a publisher that waits for its subscribers. Each subscriber checks in over REQ-REP once its
/// subscription is in place; only then does the broadcast start, so nobody misses the beginning.</summary>
public sealed class SyncPub : IExample
{
    /// <inheritdoc/>
    public static string Name => "syncpub";

    /// <inheritdoc/>
    public static string Summary => "Synchronized publisher: waits for N subscribers over REP, then broadcasts";

    /// <inheritdoc/>
    public static string Usage => """
        --bind ENDPOINT       where subscribers connect (default tcp://*:5561)
        --sync ENDPOINT       where they check in (default tcp://*:5562)
        --subscribers N       subscribers to wait for (default 10)
        --count N             updates to broadcast before "END" (default 1000000)
        """;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        string endpoint = args.Option("--bind", "tcp://*:5561");
        string syncEndpoint = args.Option("--sync", "tcp://*:5562");
        int expected = args.Int("--subscribers", 10);
        int count = args.Int("--count", 1_000_000);
        args.EnsureAllRead();

        using var context = new Context();
        using var publisher = context.CreateSocket(SocketType.Pub);
        // A PUB drops for a subscriber whose queue is full: let the whole broadcast fit, as the Guide does.
        publisher.SendHighWatermark = count + count / 10 + 10;
        publisher.Bind(endpoint);
        using var syncService = context.CreateSocket(SocketType.Rep);
        syncService.Bind(syncEndpoint);
        Console.WriteLine($"publishing on {publisher.LastEndpoint}, sync on {syncService.LastEndpoint}");

        Console.WriteLine("Waiting for subscribers");
        for (int subscribers = 0; subscribers < expected; subscribers++)
        {
            await syncService.ReceiveStringAsync(interrupted);
            syncService.Send("");
        }
        Console.WriteLine("Broadcasting messages");
        for (int i = 0; i < count; i++)
        {
            if ((i & 0xFFFF) == 0) interrupted.ThrowIfCancellationRequested();
            publisher.Send("Rhubarb");
        }
        publisher.Send("END");
        return 0; // disposing the context waits until the broadcast has left (LINGER -1)
    }
}
