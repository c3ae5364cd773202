namespace Zera.IntegrationTests.Examples;

/// <summary>taskvent, taskwork and tasksink: the Guide's parallel pipeline, with a libzmq ventilator and sink, and
/// all three examples together.</summary>
public sealed class DivideAndConquerExampleTests
{
    /// <summary>taskwork between a libzmq ventilator (PUSH) and sink (PULL): it does each task in order and sends a
    /// result for each.</summary>
    [Fact]
    public void Taskwork_between_a_libzmq_ventilator_and_sink()
    {
        using var peer = PyzmqPeer.Start("""
            vent = ctx.socket(zmq.PUSH)
            vent.bind("tcp://127.0.0.1:*")
            sink = ctx.socket(zmq.PULL)
            sink.bind("tcp://127.0.0.1:*")
            print("BOUND", vent.getsockopt(zmq.LAST_ENDPOINT).decode(), sink.getsockopt(zmq.LAST_ENDPOINT).decode())
            for workload in (3, 1, 4, 1):
                vent.send_string(str(workload))  # waits for the worker to connect
            for i in range(4):
                print("result", len(sink.recv()))
            """);
        string[] endpoints = peer.WaitForLine("BOUND ").Split(' ');
        var worker = ExampleRun.RunToSuccess("taskwork", "--connect", endpoints[0], "--sink", endpoints[1], "--count", "4");

        Assert.Equal("3.1.4.1.", worker.Stdout[1]);
        Assert.Equal(4, peer.WaitForSuccess().Count(l => l == "result 0"));
    }

    /// <summary>The whole batch: tasksink, two taskwork and taskvent over ipc. The sink counts every result; the
    /// workers, stopped with Ctrl-C afterwards, did every task between them.</summary>
    [Fact]
    public void Ventilator_workers_and_sink_process_a_batch()
    {
        string tasks = ExampleRun.Ipc(), results = ExampleRun.Ipc();
        using var sink = ExampleRun.Start("tasksink", "--bind", results, "--tasks", "8");
        sink.WaitForStdout("listening on ");
        using var worker1 = ExampleRun.Start("taskwork", "--connect", tasks, "--sink", results);
        using var worker2 = ExampleRun.Start("taskwork", "--connect", tasks, "--sink", results);
        worker1.WaitForStdout("taking tasks from ");
        worker2.WaitForStdout("taking tasks from "); // the Guide's "Enter when the workers are ready"
        var ventilator = ExampleRun.RunToSuccess("taskvent", "--bind", tasks, "--sink", results, "--tasks", "8", "--max-work", "5");

        Assert.Contains(ventilator.Stdout, l => l.StartsWith("Total expected cost: ", StringComparison.Ordinal));
        var batch = sink.Succeeds();
        Assert.Contains(":.......", batch.Stdout);
        Assert.Contains(batch.Stdout, l => l.StartsWith("Total elapsed time: ", StringComparison.Ordinal));

        // Both are idle now, waiting for the next task; the dots say how many tasks each did.
        int done = 0;
        foreach (var worker in new[] { worker1, worker2 })
            done += string.Concat(worker.InterruptSucceeds().Stdout.Skip(1)).Count(c => c == '.'); // after the ready line
        Assert.Equal(8, done);
    }
}
