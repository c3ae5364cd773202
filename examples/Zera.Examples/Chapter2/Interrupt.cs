using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter2;

/// <summary>interrupt: the Guide's interrupt handling (interrupt.c) in .NET terms. Ctrl-C cancels one token instead of
/// killing the process (the program sets that up for every example), the call waiting on it wakes, and the example
/// closes its sockets and context and exits 0. Three cases: a REP server blocked in receive, a poller over a PULL
/// socket and a timer, a ROUTER-DEALER proxy.</summary>
public sealed class Interrupt : IExample
{
    /// <inheritdoc/>
    public static string Name => "interrupt";

    /// <inheritdoc/>
    public static string Summary => "Ctrl-C wakes a blocked receive, poll or proxy, and the program exits cleanly";

    /// <inheritdoc/>
    public static string Usage => """
        recv [ENDPOINT]          a REP echo server blocked in receive (default tcp://*:5555)
        poll [ENDPOINT]          a poller over a PULL socket and a timer (default tcp://*:5557)
        proxy [FRONT] [BACK]     a ROUTER-DEALER proxy (default tcp://*:5559 tcp://*:5560)
        """;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        string mode = args.Positional("recv");
        string first = args.Positional(mode switch { "poll" => "tcp://*:5557", "proxy" => "tcp://*:5559", _ => "tcp://*:5555" });
        string second = mode == "proxy" ? args.Positional("tcp://*:5560") : "";
        args.EnsureAllRead();

        using var context = new Context();
        try
        {
            switch (mode)
            {
                case "recv": await Serve(context, first, interrupted); break;
                case "poll": Poll(context, first, interrupted); break;
                case "proxy": Broker(context, first, second, interrupted); break;
                default: throw new UsageException($"unknown mode '{mode}' (recv, poll or proxy)");
            }
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("interrupted: sockets closed, closing the context");
        }
        return 0; // the context closes here, after its sockets (unsent messages are kept as LINGER says)
    }

    /// <summary>A REP echo server: the receive waits for the next request or for Ctrl-C.</summary>
    private static async Task Serve(Context context, string endpoint, CancellationToken interrupted)
    {
        using var server = context.CreateSocket(SocketType.Rep);
        server.Bind(endpoint);
        Console.WriteLine($"blocked in receive on {server.LastEndpoint} (Ctrl-C to stop)");
        while (true)
        {
            using var request = await server.ReceiveAsync(interrupted); // throws OperationCanceledException on Ctrl-C
            server.Send(request.Span);
        }
    }

    /// <summary>A poller over a PULL socket and a timer: the wait runs the timer and ends on a message or Ctrl-C.</summary>
    private static void Poll(Context context, string endpoint, CancellationToken interrupted)
    {
        using var pull = context.CreateSocket(SocketType.Pull);
        pull.Bind(endpoint);
        using var poller = new Poller();
        poller.Add(pull, PollEvents.In);
        int received = 0;
        poller.AddTimer(TimeSpan.FromSeconds(5), _ => Console.WriteLine($"{received} messages so far"));
        var ready = new PollResult[1];
        Console.WriteLine($"polling {pull.LastEndpoint} (Ctrl-C to stop)");
        while (true)
        {
            poller.Wait(ready, Timeout.InfiniteTimeSpan, interrupted); // throws OperationCanceledException on Ctrl-C
            Console.WriteLine($"received {pull.ReceiveString()}");
            received++;
        }
    }

    /// <summary>The Guide's message queue broker: the proxy runs until Ctrl-C, then returns what it moved.</summary>
    private static void Broker(Context context, string front, string back, CancellationToken interrupted)
    {
        using var frontend = context.CreateSocket(SocketType.Router);
        using var backend = context.CreateSocket(SocketType.Dealer);
        frontend.Bind(front);
        backend.Bind(back);
        Console.WriteLine($"proxying {frontend.LastEndpoint} to {backend.LastEndpoint} (Ctrl-C to stop)");
        var moved = Proxy.Run(frontend, backend, cancellationToken: interrupted); // returns on Ctrl-C
        Console.WriteLine($"interrupted: the proxy moved {moved.FrontendReceivedFrames} frames to the backend");
    }
}
