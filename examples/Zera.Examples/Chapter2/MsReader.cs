using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter2;

/// <summary>msreader: the Guide's way not to read from several sockets. It tries each socket without waiting and
/// sleeps a millisecond when neither had anything: latency for nothing, and CPU burnt while idle. mspoller does it
/// right.</summary>
public sealed class MsReader : IExample
{
    /// <inheritdoc/>
    public static string Name => "msreader";

    /// <inheritdoc/>
    public static string Summary => "Reads a PULL and a SUB socket in one loop with non-blocking receives (the naive way)";

    /// <inheritdoc/>
    public static string Usage => """
        --tasks ENDPOINT     the ventilator, as taskvent (default tcp://localhost:5557)
        --weather ENDPOINT   the weather server, as wuserver (default tcp://localhost:5556)
        --zipcode PREFIX     the weather subscription (default "10001 ")
        --count N            exit once N tasks and N updates came (default: until Ctrl-C)
        """;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        string tasksEndpoint = args.Option("--tasks", "tcp://localhost:5557");
        string weatherEndpoint = args.Option("--weather", "tcp://localhost:5556");
        string zipcode = args.Option("--zipcode", "10001 ");
        int? count = args.OptionalInt("--count");
        args.EnsureAllRead();

        using var context = new Context();
        using var receiver = context.CreateSocket(SocketType.Pull);
        receiver.Connect(tasksEndpoint);
        using var subscriber = context.CreateSocket(SocketType.Sub);
        subscriber.Connect(weatherEndpoint);
        subscriber.Subscribe(zipcode);

        int tasks = 0, updates = 0;
        while (count is null || tasks < count || updates < count)
        {
            // Tasks first, as in the Guide: this loop can only prioritise by order.
            while (receiver.TryReceive(out var task))
            {
                using (task) Console.WriteLine($"task: {task.GetString()}");
                tasks++;
            }
            while (subscriber.TryReceive(out var update))
            {
                using (update) Console.WriteLine($"weather: {update.GetString()}");
                updates++;
            }
            await Task.Delay(1, interrupted); // nothing to read: sleep, and so answer late
        }
        return 0;
    }
}
