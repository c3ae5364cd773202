using System.Diagnostics;

using Zera.Examples.Infrastructure;

namespace Zera.Examples.More;

/// <summary>The Guide's divide-and-conquer pipeline: a ventilator PUSHes tasks to workers, which PUSH results to a
/// sink. Here all three run in one process, each on its own thread with its own sockets.</summary>
public sealed class Pipeline : IExample
{
    /// <inheritdoc/>
    public static string Name => "pipeline";

    /// <inheritdoc/>
    public static string Summary => "Ventilator, three workers and sink (PUSH/PULL) in one process over tcp";

    /// <inheritdoc/>
    public static string Usage => "--tasks N   tasks in the batch (default 100)";

    /// <inheritdoc/>
    public static Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        int tasks = args.Int("--tasks", 100);
        args.EnsureAllRead();
        return Task.FromResult(Run(tasks));
    }

    private static int Run(int tasks)
    {
        using var context = new Context();
        using var sink = context.CreateSocket(SocketType.Pull);
        sink.Bind("tcp://127.0.0.1:*");
        using var ventilator = context.CreateSocket(SocketType.Push);
        ventilator.Bind("tcp://127.0.0.1:*");
        string tasksAt = ventilator.LastEndpoint!, resultsAt = sink.LastEndpoint!;

        var workers = Enumerable.Range(0, 3).Select(id => new Thread(() => Worker(context, id, tasksAt, resultsAt)) { IsBackground = true }).ToList();
        workers.ForEach(w => w.Start());
        // Wait until every worker is connected (each says so through the sink), or the first one to connect would
        // take every queued task: the Guide's "slow joiner" effect.
        for (int i = 0; i < workers.Count; i++)
            if (!sink.TryReceiveString(TimeSpan.FromSeconds(10), out _)) return Fail("a worker did not start");

        var random = new Random(1);
        int expectedMs = 0;
        for (int i = 0; i < tasks; i++)
        {
            int workload = random.Next(1, 10);
            expectedMs += workload;
            ventilator.Send(workload.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        Console.WriteLine($"sent {tasks} tasks, {expectedMs} ms of work in all");

        var sw = Stopwatch.StartNew();
        var perWorker = new int[workers.Count];
        for (int i = 0; i < tasks; i++)
        {
            if (!sink.TryReceiveString(TimeSpan.FromSeconds(10), out var result)) return Fail("sink timed out");
            perWorker[int.Parse(result, System.Globalization.CultureInfo.InvariantCulture)]++;
        }
        Console.WriteLine($"all results in after {sw.ElapsedMilliseconds} ms; tasks per worker: {string.Join(", ", perWorker)}");
        ventilator.Send("stop");
        ventilator.Send("stop");
        ventilator.Send("stop");
        workers.ForEach(w => w.Join(TimeSpan.FromSeconds(5)));
        return 0;
    }

    private static void Worker(Context context, int id, string tasksAt, string resultsAt)
    {
        using var receiver = context.CreateSocket(SocketType.Pull);
        receiver.Immediate = true;
        receiver.Connect(tasksAt);
        using var sender = context.CreateSocket(SocketType.Push);
        sender.Connect(resultsAt);
        sender.Send("ready");
        while (receiver.TryReceiveString(TimeSpan.FromSeconds(10), out var task) && task != "stop")
        {
            Thread.Sleep(int.Parse(task, System.Globalization.CultureInfo.InvariantCulture)); // the "work"
            sender.Send(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static int Fail(string why)
    {
        Console.Error.WriteLine(why);
        return 1;
    }
}
