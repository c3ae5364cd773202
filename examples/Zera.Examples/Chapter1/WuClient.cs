using System.Globalization;
using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter1;

/// <summary>wuclient: the Guide's weather update client. A SUB socket subscribes to one zip code (a prefix of the
/// message), collects updates and prints their average temperature.</summary>
public sealed class WuClient : IExample
{
    /// <inheritdoc/>
    public static string Name => "wuclient";

    /// <inheritdoc/>
    public static string Summary => "Weather update client: SUB collects one zip code's updates, prints the average";

    /// <inheritdoc/>
    public static string Usage => """
        [ZIPCODE]            the prefix to subscribe to (default "10001 ")
        --connect ENDPOINT   the weather server (default tcp://localhost:5556)
        --count N            updates to collect (default 100)
        """;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        string filter = args.Positional("10001 ");
        string endpoint = args.Option("--connect", "tcp://localhost:5556");
        int count = args.Int("--count", 100, min: 1);
        args.EnsureAllRead();

        Console.WriteLine("Collecting updates from weather server...");
        using var context = new Context();
        using var subscriber = context.CreateSocket(SocketType.Sub);
        subscriber.Connect(endpoint);
        subscriber.Subscribe(filter);
        long totalTemperature = 0;
        for (int i = 0; i < count; i++)
        {
            string update = await subscriber.ReceiveStringAsync(interrupted);
            totalTemperature += int.Parse(update.Split(' ')[1], CultureInfo.InvariantCulture);
        }
        Console.WriteLine($"Average temperature for zipcode '{filter}' was {(int)(totalTemperature / count)}F");
        return 0;
    }
}
