using System.Globalization;
using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter1;

/// <summary>wuserver: the Guide's weather update server. A PUB socket publishes "zipcode temperature humidity" for
/// random zip codes as fast as it can, to whoever subscribes; a message nobody subscribed to never leaves.</summary>
public sealed class WuServer : IExample
{
    /// <inheritdoc/>
    public static string Name => "wuserver";

    /// <inheritdoc/>
    public static string Summary => "Weather update server: PUB publishes random \"zipcode temperature humidity\" updates";

    /// <inheritdoc/>
    public static string Usage => """
        --bind ENDPOINT   where to publish; repeat for more (default tcp://*:5556 and ipc://weather.ipc)
        --count N         publish N updates, then exit (default: until Ctrl-C)
        """;

    /// <inheritdoc/>
    public static Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        var endpoints = args.Options("--bind", "tcp://*:5556", "ipc://weather.ipc");
        int? count = args.OptionalInt("--count");
        args.EnsureAllRead();

        using var context = new Context();
        using var publisher = context.CreateSocket(SocketType.Pub);
        foreach (var endpoint in endpoints)
        {
            publisher.Bind(endpoint);
            Console.WriteLine($"publishing on {publisher.LastEndpoint}");
        }
        var random = Random.Shared;
        // A PUB send never blocks (a subscriber that cannot keep up loses updates), so checking the token between
        // sends is enough for Ctrl-C.
        for (long sent = 0; (count is null || sent < count) && !interrupted.IsCancellationRequested; sent++)
        {
            int zipcode = random.Next(100_000);
            int temperature = random.Next(215) - 80;
            int relativeHumidity = random.Next(50) + 10;
            publisher.Send(string.Create(CultureInfo.InvariantCulture, $"{zipcode:D5} {temperature} {relativeHumidity}"));
        }
        interrupted.ThrowIfCancellationRequested();
        return Task.FromResult(0);
    }
}
