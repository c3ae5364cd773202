using System.Diagnostics;
using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter2;

/// <summary>tasksink2: tasksink that stops the workers. When the batch is done it publishes "KILL" on a PUB socket
/// every taskwork2 subscribes to.</summary>
public sealed class TaskSink2 : IExample
{
    /// <inheritdoc/>
    public static string Name => "tasksink2";

    /// <inheritdoc/>
    public static string Summary => "Task sink with a kill signal: collects the batch, then PUBlishes \"KILL\" to the workers";

    /// <inheritdoc/>
    public static string Usage => """
        --bind ENDPOINT      where the ventilator and the workers connect (default tcp://*:5558)
        --control ENDPOINT   where the workers hear the kill signal (default tcp://*:5559)
        --tasks N            results to collect (default 100)
        """;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        string endpoint = args.Option("--bind", "tcp://*:5558");
        string controlEndpoint = args.Option("--control", "tcp://*:5559");
        int tasks = args.Int("--tasks", 100);
        args.EnsureAllRead();

        using var context = new Context();
        using var receiver = context.CreateSocket(SocketType.Pull);
        receiver.Bind(endpoint);
        using var controller = context.CreateSocket(SocketType.Pub);
        controller.Bind(controlEndpoint);
        Console.WriteLine($"listening on {receiver.LastEndpoint}, kill signal on {controller.LastEndpoint}");

        await receiver.ReceiveStringAsync(interrupted); // the start of the batch
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < tasks; i++)
        {
            using var result = await receiver.ReceiveAsync(interrupted);
            Console.Write(i % 10 == 0 ? ":" : ".");
        }
        Console.WriteLine();
        Console.WriteLine($"Total elapsed time: {clock.ElapsedMilliseconds} msec");

        controller.Send("KILL");
        return 0; // disposing the context waits until KILL has gone to every worker (LINGER -1)
    }
}
