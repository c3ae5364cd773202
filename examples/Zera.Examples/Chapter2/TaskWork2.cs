using System.Globalization;
using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter2;

/// <summary>taskwork2: taskwork that can be told to stop. Besides its tasks it polls a SUB socket on the sink's
/// control channel, and exits when the sink publishes "KILL" at the end of the batch.</summary>
public sealed class TaskWork2 : IExample
{
    /// <inheritdoc/>
    public static string Name => "taskwork2";

    /// <inheritdoc/>
    public static string Summary => "Task worker with a kill signal: polls its tasks and a SUB that hears \"KILL\"";

    /// <inheritdoc/>
    public static string Usage => """
        --connect ENDPOINT   the ventilator (default tcp://localhost:5557)
        --sink ENDPOINT      the sink (default tcp://localhost:5558)
        --control ENDPOINT   the sink's kill signal publisher (default tcp://localhost:5559)
        Runs until the sink says KILL (or Ctrl-C).
        """;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        string endpoint = args.Option("--connect", "tcp://localhost:5557");
        string sinkEndpoint = args.Option("--sink", "tcp://localhost:5558");
        string controlEndpoint = args.Option("--control", "tcp://localhost:5559");
        args.EnsureAllRead();

        using var context = new Context();
        using var receiver = context.CreateSocket(SocketType.Pull);
        receiver.Connect(endpoint);
        using var sender = context.CreateSocket(SocketType.Push);
        sender.Connect(sinkEndpoint);
        using var controller = context.CreateSocket(SocketType.Sub);
        controller.Connect(controlEndpoint);
        controller.Subscribe("");
        Console.WriteLine($"taking tasks from {endpoint}, results to {sinkEndpoint}, orders from {controlEndpoint}");

        using var poller = new Poller();
        poller.Add(receiver, PollEvents.In);
        poller.Add(controller, PollEvents.In);
        var ready = new PollResult[2];
        while (true)
        {
            int n = await poller.WaitAsync(ready, Timeout.InfiniteTimeSpan, interrupted);
            for (int i = 0; i < n; i++)
            {
                if (ready[i].Socket == controller)
                {
                    Console.WriteLine();
                    Console.WriteLine($"{controller.ReceiveString()}: exiting");
                    return 0; // any message on the control channel is the kill signal
                }
                string task = receiver.ReceiveString();
                Console.Write($"{task}.");
                await Task.Delay(int.Parse(task, CultureInfo.InvariantCulture), interrupted);
                await sender.SendAsync(ReadOnlyMemory<byte>.Empty, cancellationToken: interrupted);
            }
        }
    }
}
