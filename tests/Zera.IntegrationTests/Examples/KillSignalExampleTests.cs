namespace Zera.IntegrationTests.Examples;

/// <summary>tasksink2 and taskwork2 (with taskvent): when the batch is done the sink publishes KILL and every worker
/// exits by itself.</summary>
public sealed class KillSignalExampleTests
{
    [Fact]
    public void Workers_exit_when_tasksink2_publishes_kill()
    {
        string tasks = ExampleRun.Ipc(), results = ExampleRun.Ipc(), control = ExampleRun.Ipc();
        using var sink = ExampleRun.Start("tasksink2", "--bind", results, "--control", control, "--tasks", "6");
        sink.WaitForStdout("listening on ");
        using var worker1 = ExampleRun.Start("taskwork2", "--connect", tasks, "--sink", results, "--control", control);
        using var worker2 = ExampleRun.Start("taskwork2", "--connect", tasks, "--sink", results, "--control", control);
        worker1.WaitForStdout("taking tasks from ");
        worker2.WaitForStdout("taking tasks from ");
        ExampleRun.RunToSuccess("taskvent", "--bind", tasks, "--sink", results, "--tasks", "6", "--max-work", "5");

        Assert.Contains(sink.Succeeds().Stdout, l => l.StartsWith("Total elapsed time: ", StringComparison.Ordinal));
        int done = 0;
        foreach (var worker in new[] { worker1, worker2 })
        {
            var result = worker.Succeeds(); // no Ctrl-C: the KILL ends it
            Assert.Equal("KILL: exiting", result.Stdout[^1]);
            done += string.Concat(result.Stdout.Skip(1)).Count(c => c == '.');
        }
        Assert.Equal(6, done);
    }
}
