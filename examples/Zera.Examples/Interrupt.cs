namespace Zera.Examples;

/// <summary>The Guide's interrupt handling: Ctrl-C cancels a token, the awaiting receive ends with
/// OperationCanceledException, and the program closes its socket and context cleanly.</summary>
public static class Interrupt
{
    public static int Run(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true; // let us shut down ourselves
            cancel.Cancel();
        };
        using var context = new Context();
        using var server = context.CreateSocket(SocketType.Rep);
        server.Bind(args.Length > 0 ? args[0] : "tcp://*:5555");
        Console.WriteLine($"serving on {server.LastEndpoint}; press Ctrl-C to stop");
        try
        {
            while (true)
            {
                using var request = server.ReceiveAsync(cancel.Token).AsTask().GetAwaiter().GetResult();
                server.Send(request.Span);
            }
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("interrupt received, killing server...");
        }
        return 0;
    }
}
