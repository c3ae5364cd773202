namespace Zera.Examples;

/// <summary>The Guide's interrupt handling (interrupt.c) in .NET terms: Ctrl-C cancels one token instead of killing
/// the process, the call waiting on it wakes, and the program closes its sockets and context and exits 0. Three
/// cases: a REP server blocked in receive, a poller over a PULL socket and a timer, a ROUTER-DEALER proxy.</summary>
public static class Interrupt
{
    public static async Task<int> Run(string[] args)
    {
        // One cancellation source for the whole program, cancelled by Ctrl-C (SIGINT).
        using var interrupted = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true; // do not kill the process: we shut down ourselves
            interrupted.Cancel();
        };
        string mode = args.Length > 0 ? args[0] : "recv";
        string Arg(int i, string fallback) => args.Length > i ? args[i] : fallback;

        using var context = new Context();
        try
        {
            switch (mode)
            {
                case "recv": await Serve(context, Arg(1, "tcp://*:5555"), interrupted.Token); break;
                case "poll": Poll(context, Arg(1, "tcp://*:5557"), interrupted.Token); break;
                case "proxy": Broker(context, Arg(1, "tcp://*:5559"), Arg(2, "tcp://*:5560"), interrupted.Token); break;
                default:
                    Console.Error.WriteLine("usage: interrupt recv [ENDPOINT] | poll [ENDPOINT] | proxy [FRONT] [BACK]");
                    return 1;
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
