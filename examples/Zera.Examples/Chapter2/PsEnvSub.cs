using System.Text;
using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter2;

/// <summary>psenvsub: the envelope subscriber. It subscribes to key "B" and gets the whole message, key frame and
/// content frame together.</summary>
public sealed class PsEnvSub : IExample
{
    /// <inheritdoc/>
    public static string Name => "psenvsub";

    /// <inheritdoc/>
    public static string Summary => "Pub-sub envelope subscriber: subscribes to key \"B\", prints [key] content";

    /// <inheritdoc/>
    public static string Usage => """
        --connect ENDPOINT   the publisher (default tcp://localhost:5563)
        --count N            messages to print, then exit (default: until Ctrl-C)
        """;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        string endpoint = args.Option("--connect", "tcp://localhost:5563");
        int? count = args.OptionalInt("--count");
        args.EnsureAllRead();

        using var context = new Context();
        using var subscriber = context.CreateSocket(SocketType.Sub);
        subscriber.Connect(endpoint);
        subscriber.Subscribe("B");
        for (int received = 0; count is null || received < count; received++)
        {
            var message = await subscriber.ReceiveMultipartAsync(interrupted);
            Console.WriteLine($"[{Encoding.UTF8.GetString(message[0])}] {Encoding.UTF8.GetString(message[1])}");
        }
        return 0;
    }
}
