using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter1;

/// <summary>hwclient: the Guide's first client. A REQ socket sends "Hello" and waits for each "World" in turn.</summary>
public sealed class HwClient : IExample
{
    /// <inheritdoc/>
    public static string Name => "hwclient";

    /// <inheritdoc/>
    public static string Summary => "Hello World client: REQ sends \"Hello\" and waits for \"World\", 10 times";

    /// <inheritdoc/>
    public static string Usage => """
        --connect ENDPOINT   the server (default tcp://localhost:5555)
        --count N            requests to send (default 10)
        """;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        string endpoint = args.Option("--connect", "tcp://localhost:5555");
        int count = args.Int("--count", 10);
        args.EnsureAllRead();

        Console.WriteLine("Connecting to hello world server...");
        using var context = new Context();
        using var requester = context.CreateSocket(SocketType.Req);
        // Interrupted with no server there, the request is still queued: closing should not wait to deliver it.
        requester.Linger = 0;
        requester.Connect(endpoint);
        for (int i = 0; i < count; i++)
        {
            Console.WriteLine($"Sending Hello {i}...");
            await requester.SendAsync("Hello", cancellationToken: interrupted);
            string reply = await requester.ReceiveStringAsync(interrupted);
            Console.WriteLine($"Received {reply} {i}");
        }
        return 0;
    }
}
