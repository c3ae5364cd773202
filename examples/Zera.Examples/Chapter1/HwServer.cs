using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter1;

/// <summary>hwserver: the Guide's first server. A REP socket takes each "Hello", pretends to work for a second, and
/// answers "World".</summary>
public sealed class HwServer : IExample
{
    /// <inheritdoc/>
    public static string Name => "hwserver";

    /// <inheritdoc/>
    public static string Summary => "Hello World server: REP answers each request with \"World\"";

    /// <inheritdoc/>
    public static string Usage => """
        --bind ENDPOINT   where to listen (default tcp://*:5555)
        --count N         answer N requests, then exit (default: until Ctrl-C)
        --work MS         pretend work per request (default 1000)
        """;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        string endpoint = args.Option("--bind", "tcp://*:5555");
        int? count = args.OptionalInt("--count");
        int workMs = args.Int("--work", 1000);
        args.EnsureAllRead();

        using var context = new Context();
        using var responder = context.CreateSocket(SocketType.Rep);
        responder.Bind(endpoint);
        Console.WriteLine($"listening on {responder.LastEndpoint}");
        for (int served = 0; count is null || served < count; served++)
        {
            string request = await responder.ReceiveStringAsync(interrupted);
            Console.WriteLine($"Received {request}");
            await Task.Delay(workMs, interrupted);
            responder.Send("World");
        }
        return 0; // disposing the context waits until the last reply is on its way (LINGER -1)
    }
}
