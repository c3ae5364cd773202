using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter2;

/// <summary>rrbroker: the Guide's hand-written request-reply broker. A ROUTER faces the clients and a DEALER the
/// workers; a poller moves each message, frame by frame with its envelope, to the other side. The ROUTER's routing id
/// frame is what brings each reply back to its client.</summary>
public sealed class RrBroker : IExample
{
    /// <inheritdoc/>
    public static string Name => "rrbroker";

    /// <inheritdoc/>
    public static string Summary => "Request-reply broker: ROUTER to DEALER, moved by a poller loop";

    /// <inheritdoc/>
    public static string Usage => """
        --frontend ENDPOINT   where clients connect (default tcp://*:5559)
        --backend ENDPOINT    where workers connect (default tcp://*:5560)
        Runs until Ctrl-C.
        """;

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
        Console.WriteLine($"brokering {frontend.LastEndpoint} (clients) to {backend.LastEndpoint} (workers)");

        using var poller = new Poller();
        poller.Add(frontend, PollEvents.In);
        poller.Add(backend, PollEvents.In);
        var ready = new PollResult[2];
        while (true)
        {
            int n = await poller.WaitAsync(ready, Timeout.InfiniteTimeSpan, interrupted);
            for (int i = 0; i < n; i++)
            {
                if (ready[i].Socket == frontend) Forward(frontend, backend);
                else Forward(backend, frontend);
            }
        }
    }

    /// <summary>Moves one whole message: every frame, keeping the "more" flag, so the envelope stays intact.</summary>
    private static void Forward(ZeraSocket from, ZeraSocket to)
    {
        bool more;
        do
        {
            var frame = from.Receive();
            more = frame.More;
            to.Send(ref frame, more); // takes the frame: no copy, nothing to dispose
        }
        while (more);
    }
}
