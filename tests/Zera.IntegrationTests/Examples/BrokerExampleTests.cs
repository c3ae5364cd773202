namespace Zera.IntegrationTests.Examples;

/// <summary>rrclient, rrworker, rrbroker and msgqueue: request-reply through a broker, with a libzmq client and all
/// in examples.</summary>
public sealed class BrokerExampleTests
{
    /// <summary>A libzmq REQ client over tcp, the rrbroker poller loop, an rrworker behind it over ipc.</summary>
    [Fact]
    public void Rrworker_behind_rrbroker_answers_a_libzmq_client()
    {
        using var broker = ExampleRun.Start("rrbroker", "--frontend", "tcp://127.0.0.1:*", "--backend", ExampleRun.Ipc());
        string[] endpoints = broker.WaitForStdout("brokering ").Split(' ');
        using var worker = ExampleRun.Start("rrworker", "--connect", endpoints[3], "--count", "3", "--work", "0");
        using var client = PyzmqPeer.Start("""
            req = ctx.socket(zmq.REQ)
            req.connect(sys.argv[1])
            for i in range(3):
                req.send_string(f"Hello {i}")
                print("reply", req.recv().decode())
            """, endpoints[0]);

        Assert.Equal(["reply World", "reply World", "reply World"], client.WaitForSuccess());
        var work = worker.Succeeds();
        Assert.Equal(["Received request: [Hello 0]", "Received request: [Hello 1]", "Received request: [Hello 2]"],
            work.Stdout.Where(l => l.StartsWith("Received", StringComparison.Ordinal)));
        broker.InterruptSucceeds();
    }

    /// <summary>rrclient, msgqueue (the proxy) and two rrworkers, over ipc; the broker reports what it moved on
    /// Ctrl-C.</summary>
    [Fact]
    public void Rrclient_reaches_rrworkers_through_msgqueue()
    {
        string frontend = ExampleRun.Ipc(), backend = ExampleRun.Ipc();
        using var queue = ExampleRun.Start("msgqueue", "--frontend", frontend, "--backend", backend);
        queue.WaitForStdout("queueing ");
        using var worker1 = ExampleRun.Start("rrworker", "--connect", backend, "--work", "0");
        using var worker2 = ExampleRun.Start("rrworker", "--connect", backend, "--work", "0");
        worker1.WaitForStdout("working for ");
        worker2.WaitForStdout("working for ");
        var client = ExampleRun.RunToSuccess("rrclient", "--connect", frontend, "--count", "4");

        Assert.Equal(["Received reply 0 [World]", "Received reply 1 [World]", "Received reply 2 [World]", "Received reply 3 [World]"], client.Stdout);
        int served = 0;
        foreach (var worker in new[] { worker1, worker2 })
            served += worker.InterruptSucceeds().Stdout.Count(l => l == "Received request: [Hello]");
        Assert.Equal(4, served);
        // Each request is three frames at the ROUTER: the client's routing id, the empty delimiter, "Hello".
        Assert.Contains("interrupted: 12 frames in from clients, 12 from workers", queue.InterruptSucceeds().Stdout);
    }
}
