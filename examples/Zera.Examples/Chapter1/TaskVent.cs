using System.Globalization;
using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter1;

/// <summary>taskvent: the Guide's task ventilator. Once the workers are up it tells the sink a batch starts, then
/// PUSHes tasks (a workload in milliseconds each), which the PUSH socket deals out round-robin to connected workers.</summary>
public sealed class TaskVent : IExample
{
    /// <inheritdoc/>
    public static string Name => "taskvent";

    /// <inheritdoc/>
    public static string Summary => "Task ventilator: PUSHes a batch of tasks to the workers, announces it to the sink";

    /// <inheritdoc/>
    public static string Usage => """
        --bind ENDPOINT   where workers get tasks (default tcp://*:5557)
        --sink ENDPOINT   the sink, told when the batch starts (default tcp://localhost:5558)
        --tasks N         tasks in the batch (default 100)
        --max-work MS     each task's workload is 1 to MS milliseconds (default 100)
        Waits for Enter first, so that every worker is connected (a closed stdin counts as Enter).
        """;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        string endpoint = args.Option("--bind", "tcp://*:5557");
        string sinkEndpoint = args.Option("--sink", "tcp://localhost:5558");
        int tasks = args.Int("--tasks", 100);
        int maxWork = args.Int("--max-work", 100, min: 1);
        args.EnsureAllRead();

        using var context = new Context();
        using var sender = context.CreateSocket(SocketType.Push);
        sender.Bind(endpoint);
        using var sink = context.CreateSocket(SocketType.Push);
        sink.Connect(sinkEndpoint);

        Console.WriteLine($"tasks on {sender.LastEndpoint}");
        Console.Write("Press Enter when the workers are ready: ");
        // Tasks go only to workers connected when they are sent: the first worker to connect would take the whole
        // batch. Console.ReadLine cannot be cancelled, so Ctrl-C abandons it on its pool thread instead.
        await Task.Run(Console.ReadLine, interrupted).WaitAsync(interrupted);
        Console.WriteLine();
        Console.WriteLine("Sending tasks to workers...");

        await sink.SendAsync("0", cancellationToken: interrupted); // the start of the batch
        var random = Random.Shared;
        int totalMs = 0;
        for (int i = 0; i < tasks; i++)
        {
            int workload = random.Next(1, maxWork + 1);
            totalMs += workload;
            // Waits while no worker is connected yet.
            await sender.SendAsync(workload.ToString(CultureInfo.InvariantCulture), cancellationToken: interrupted);
        }
        Console.WriteLine($"Total expected cost: {totalMs} msec");
        return 0; // disposing the context waits until every task has left (LINGER -1)
    }
}
