using System.Globalization;
using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter1;

/// <summary>taskwork: the Guide's task worker. PULLs a task from the ventilator, "works" (sleeps) that many
/// milliseconds, and PUSHes an empty result to the sink. Start any number of them.</summary>
public sealed class TaskWork : IExample
{
    /// <inheritdoc/>
    public static string Name => "taskwork";

    /// <inheritdoc/>
    public static string Summary => "Task worker: PULLs tasks, sleeps each one's workload, PUSHes results to the sink";

    /// <inheritdoc/>
    public static string Usage => """
        --connect ENDPOINT   the ventilator (default tcp://localhost:5557)
        --sink ENDPOINT      the sink (default tcp://localhost:5558)
        --count N            do N tasks, then exit (default: until Ctrl-C)
        """;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        string endpoint = args.Option("--connect", "tcp://localhost:5557");
        string sinkEndpoint = args.Option("--sink", "tcp://localhost:5558");
        int? count = args.OptionalInt("--count");
        args.EnsureAllRead();

        using var context = new Context();
        using var receiver = context.CreateSocket(SocketType.Pull);
        receiver.Connect(endpoint);
        using var sender = context.CreateSocket(SocketType.Push);
        sender.Connect(sinkEndpoint);
        Console.WriteLine($"taking tasks from {endpoint}, results to {sinkEndpoint}");
        for (int done = 0; count is null || done < count; done++)
        {
            string task = await receiver.ReceiveStringAsync(interrupted);
            Console.Write($"{task}."); // progress, on one line as in the Guide
            await Task.Delay(int.Parse(task, CultureInfo.InvariantCulture), interrupted);
            await sender.SendAsync(ReadOnlyMemory<byte>.Empty, cancellationToken: interrupted);
        }
        Console.WriteLine();
        return 0; // disposing the context waits until the last result has left
    }
}
