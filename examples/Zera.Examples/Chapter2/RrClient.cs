using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter2;

/// <summary>rrclient: hwclient pointed at a broker. A REQ socket connects to the broker's frontend; which worker
/// answers is the broker's business.</summary>
public sealed class RrClient : IExample
{
    /// <inheritdoc/>
    public static string Name => "rrclient";

    /// <inheritdoc/>
    public static string Summary => "Request-reply client: REQ talks to workers through a broker (rrbroker, msgqueue)";

    /// <inheritdoc/>
    public static string Usage => """
        --connect ENDPOINT   the broker's frontend (default tcp://localhost:5559)
        --count N            requests to send (default 10)
        """;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        string endpoint = args.Option("--connect", "tcp://localhost:5559");
        int count = args.Int("--count", 10);
        args.EnsureAllRead();

        using var context = new Context();
        using var requester = context.CreateSocket(SocketType.Req);
        requester.Linger = 0; // interrupted with no broker there: do not wait to deliver the request
        requester.Connect(endpoint);
        for (int i = 0; i < count; i++)
        {
            await requester.SendAsync("Hello", cancellationToken: interrupted);
            string reply = await requester.ReceiveStringAsync(interrupted);
            Console.WriteLine($"Received reply {i} [{reply}]");
        }
        return 0;
    }
}
