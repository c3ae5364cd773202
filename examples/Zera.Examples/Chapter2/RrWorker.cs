using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter2;

/// <summary>rrworker: hwserver turned around. A REP socket connects to the broker's backend instead of binding, so
/// workers can come and go while the broker stays put.</summary>
public sealed class RrWorker : IExample
{
    /// <inheritdoc/>
    public static string Name => "rrworker";

    /// <inheritdoc/>
    public static string Summary => "Request-reply worker: REP connects to a broker's backend and answers \"World\"";

    /// <inheritdoc/>
    public static string Usage => """
        --connect ENDPOINT   the broker's backend (default tcp://localhost:5560)
        --count N            answer N requests, then exit (default: until Ctrl-C)
        --work MS            pretend work per request (default 1000)
        """;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        string endpoint = args.Option("--connect", "tcp://localhost:5560");
        int? count = args.OptionalInt("--count");
        int workMs = args.Int("--work", 1000);
        args.EnsureAllRead();

        using var context = new Context();
        using var responder = context.CreateSocket(SocketType.Rep);
        responder.Connect(endpoint);
        Console.WriteLine($"working for {endpoint}");
        for (int served = 0; count is null || served < count; served++)
        {
            string request = await responder.ReceiveStringAsync(interrupted);
            Console.WriteLine($"Received request: [{request}]");
            await Task.Delay(workMs, interrupted);
            responder.Send("World");
        }
        return 0;
    }
}
