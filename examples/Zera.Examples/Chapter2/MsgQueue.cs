using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter2;

/// <summary>msgqueue: rrbroker with the loop replaced by the built-in proxy, which does the same in bursts.</summary>
public sealed class MsgQueue : IExample
{
    /// <inheritdoc/>
    public static string Name => "msgqueue";

    /// <inheritdoc/>
    public static string Summary => "Message queue broker: Proxy.Run between a ROUTER and a DEALER";

    /// <inheritdoc/>
    public static string Usage => RrBroker.Usage;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        string frontendEndpoint = args.Option("--frontend", "tcp://*:5559");
        string backendEndpoint = args.Option("--backend", "tcp://*:5560");
        args.EnsureAllRead();

        using var context = new Context();
        using var frontend = context.CreateSocket(SocketType.Router);
        using var backend = context.CreateSocket(SocketType.Dealer);
        frontend.Bind(frontendEndpoint);
        backend.Bind(backendEndpoint);
        Console.WriteLine($"queueing {frontend.LastEndpoint} (clients) to {backend.LastEndpoint} (workers)");

        // Ctrl-C ends the proxy, which then returns what it moved instead of throwing.
        var moved = await Proxy.RunAsync(frontend, backend, cancellationToken: interrupted);
        Console.WriteLine($"interrupted: {moved.FrontendReceivedFrames} frames in from clients, {moved.BackendReceivedFrames} from workers");
        return 0;
    }
}
