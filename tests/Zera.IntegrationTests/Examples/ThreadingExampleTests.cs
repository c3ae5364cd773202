namespace Zera.IntegrationTests.Examples;

/// <summary>mtserver and mtrelay: sockets in several threads of one process.</summary>
public sealed class ThreadingExampleTests
{
    /// <summary>mtserver's worker pool answers hwclient and a libzmq client, then stops on Ctrl-C.</summary>
    [Fact]
    public void Mtserver_answers_hwclient_and_a_libzmq_client()
    {
        using var server = ExampleRun.Start("mtserver", "--bind", "tcp://127.0.0.1:*", "--workers", "3", "--work", "0");
        string endpoint = server.WaitForStdout("serving ").Split(' ')[0];
        var client = ExampleRun.RunToSuccess("hwclient", "--connect", endpoint, "--count", "3");
        Assert.Contains("Received World 2", client.Stdout);
        using var libzmqClient = PyzmqPeer.Start("""
            req = ctx.socket(zmq.REQ)
            req.connect(sys.argv[1])
            req.send(b"Bonjour")
            print("reply", req.recv().decode())
            """, endpoint);
        Assert.Equal(["reply World"], libzmqClient.WaitForSuccess());

        var result = server.InterruptSucceeds();
        Assert.Equal(3, result.Stdout.Count(l => l == "Received request: [Hello]"));
        Assert.Contains("Received request: [Bonjour]", result.Stdout);
    }

    [Fact]
    public void Mtrelay_passes_the_signal_along()
    {
        var result = ExampleRun.RunToSuccess("mtrelay");
        Assert.Equal(["Step 1 ready, signaling step 2", "Step 2 ready, signaling step 3", "Test successful!"], result.Stdout);
    }
}
