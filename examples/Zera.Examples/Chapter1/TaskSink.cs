using System.Diagnostics;
using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter1;

/// <summary>tasksink: the Guide's sink. PULLs the ventilator's start signal, then one result per task from all the
/// workers (fair-queued), and prints how long the batch took: the parallel speed-up shows as workers are added.</summary>
public sealed class TaskSink : IExample
{
    /// <inheritdoc/>
    public static string Name => "tasksink";

    /// <inheritdoc/>
    public static string Summary => "Task sink: PULLs the batch start and every result, prints the elapsed time";

    /// <inheritdoc/>
    public static string Usage => """
        --bind ENDPOINT   where the ventilator and the workers connect (default tcp://*:5558)
        --tasks N         results to collect (default 100, as the ventilator sends)
        """;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        string endpoint = args.Option("--bind", "tcp://*:5558");
        int tasks = args.Int("--tasks", 100);
        args.EnsureAllRead();

        using var context = new Context();
        using var receiver = context.CreateSocket(SocketType.Pull);
        receiver.Bind(endpoint);
        Console.WriteLine($"listening on {receiver.LastEndpoint}");

        await receiver.ReceiveStringAsync(interrupted); // the start of the batch
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < tasks; i++)
        {
            using var result = await receiver.ReceiveAsync(interrupted);
            Console.Write(i % 10 == 0 ? ":" : ".");
        }
        Console.WriteLine();
        Console.WriteLine($"Total elapsed time: {clock.ElapsedMilliseconds} msec");
        return 0;
    }
}
