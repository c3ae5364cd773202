using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter2;

/// <summary>mtserver: a multithreaded server. Clients reach a ROUTER; a proxy hands their requests to a DEALER bound
/// on inproc, where worker tasks, each with its own REP socket, take them in turn. Sockets are never shared: each
/// worker owns one (it may move between pool threads across awaits, which a Zera socket allows).</summary>
public sealed class MtServer : IExample
{
    /// <inheritdoc/>
    public static string Name => "mtserver";

    /// <inheritdoc/>
    public static string Summary => "Multithreaded server: ROUTER to inproc DEALER, a pool of REP workers";

    /// <inheritdoc/>
    public static string Usage => """
        --bind ENDPOINT   where clients (hwclient) connect (default tcp://*:5555)
        --workers N       worker tasks (default 5)
        --work MS         pretend work per request (default 1000)
        Runs until Ctrl-C.
        """;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        string endpoint = args.Option("--bind", "tcp://*:5555");
        int workerCount = args.Int("--workers", 5, min: 1);
        int workMs = args.Int("--work", 1000);
        args.EnsureAllRead();

        using var context = new Context();
        using var clients = context.CreateSocket(SocketType.Router);
        clients.Bind(endpoint);
        using var workers = context.CreateSocket(SocketType.Dealer);
        workers.Bind("inproc://workers");

        var pool = Enumerable.Range(0, workerCount)
            .Select(_ => Task.Run(() => WorkerAsync(context, workMs, interrupted), interrupted))
            .ToArray();
        Console.WriteLine($"serving {clients.LastEndpoint} with {workerCount} workers");
        await Proxy.RunAsync(clients, workers, cancellationToken: interrupted);

        // Ctrl-C ended the proxy and wakes every worker too; their sockets must be closed before the context is.
        try
        {
            await Task.WhenAll(pool);
        }
        catch (OperationCanceledException)
        {
        }
        interrupted.ThrowIfCancellationRequested();
        return 0;
    }

    private static async Task WorkerAsync(Context context, int workMs, CancellationToken interrupted)
    {
        using var receiver = context.CreateSocket(SocketType.Rep);
        receiver.Connect("inproc://workers");
        while (true)
        {
            string request = await receiver.ReceiveStringAsync(interrupted);
            Console.WriteLine($"Received request: [{request}]");
            await Task.Delay(workMs, interrupted);
            receiver.Send("World");
        }
    }
}
