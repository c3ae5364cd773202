using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter2;

/// <summary>syncsub: a subscriber that checks in with syncpub. It subscribes, makes sure the subscription is on its
/// way, tells the publisher over REQ, then counts updates until "END".</summary>
public sealed class SyncSub : IExample
{
    /// <inheritdoc/>
    public static string Name => "syncsub";

    /// <inheritdoc/>
    public static string Summary => "Synchronized subscriber: subscribes, checks in over REQ, counts updates until END";

    /// <inheritdoc/>
    public static string Usage => """
        --connect ENDPOINT   the publisher (default tcp://localhost:5561)
        --sync ENDPOINT      its check-in service (default tcp://localhost:5562)
        """;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        string endpoint = args.Option("--connect", "tcp://localhost:5561");
        string syncEndpoint = args.Option("--sync", "tcp://localhost:5562");
        args.EnsureAllRead();

        using var context = new Context();
        using var subscriber = context.CreateSocket(SocketType.Sub);
        subscriber.Subscribe("");
        // The Guide sleeps a second here, hoping the subscription reaches the publisher before the check-in does.
        // Waiting for the connection's handshake says more: the subscription is the first thing sent on it, and the
        // check-in still needs a connection of its own before it arrives.
        await ConnectAndWaitForHandshakeAsync(subscriber, endpoint, interrupted);

        using var syncClient = context.CreateSocket(SocketType.Req);
        syncClient.Connect(syncEndpoint);
        await syncClient.SendAsync("", cancellationToken: interrupted);
        await syncClient.ReceiveStringAsync(interrupted);

        int updates = 0;
        while (await subscriber.ReceiveStringAsync(interrupted) != "END") updates++;
        Console.WriteLine($"Received {updates} updates");
        return 0;
    }

    private static async Task ConnectAndWaitForHandshakeAsync(ZeraSocket socket, string endpoint, CancellationToken interrupted)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(interrupted);
        var events = socket.MonitorAsync(SocketEventKind.HandshakeSucceeded, stop.Token).GetAsyncEnumerator(stop.Token);
        try
        {
            var first = events.MoveNextAsync(); // the monitor is in place from here: the event cannot be missed
            socket.Connect(endpoint);
            await first;
        }
        finally
        {
            await stop.CancelAsync();
            await events.DisposeAsync();
        }
    }
}
