namespace Zera.IntegrationTests.Examples;

/// <summary>hwserver and hwclient (and version): the Guide's first request-reply pair, with a libzmq client and with
/// each other.</summary>
public sealed class HelloWorldExampleTests
{
    /// <summary>hwserver over tcp answers a libzmq REQ client, then stops after its count.</summary>
    [Fact]
    public void Hwserver_answers_a_libzmq_client()
    {
        using var server = ExampleRun.Start("hwserver", "--bind", "tcp://127.0.0.1:*", "--count", "3", "--work", "0");
        string endpoint = server.WaitForStdout("listening on ");
        using var client = PyzmqPeer.Start("""
            req = ctx.socket(zmq.REQ)
            req.connect(sys.argv[1])
            for i in range(3):
                req.send(b"Hello")
                print("reply", req.recv().decode())
            """, endpoint);

        Assert.Equal(["reply World", "reply World", "reply World"], client.WaitForSuccess());
        var result = server.Succeeds();
        Assert.Equal(3, result.Stdout.Count(l => l == "Received Hello"));
    }

    /// <summary>hwclient against hwserver, over ipc: every request gets its "World".</summary>
    [Fact]
    public void Hwclient_talks_to_hwserver()
    {
        string endpoint = ExampleRun.Ipc();
        using var server = ExampleRun.Start("hwserver", "--bind", endpoint, "--count", "3", "--work", "0");
        var client = ExampleRun.RunToSuccess("hwclient", "--connect", endpoint, "--count", "3");

        Assert.Equal(["Received World 0", "Received World 1", "Received World 2"], client.Stdout.Where(l => l.StartsWith("Received", StringComparison.Ordinal)));
        server.Succeeds();
    }

    /// <summary>hwclient against a libzmq REP server.</summary>
    [Fact]
    public void Hwclient_talks_to_a_libzmq_server()
    {
        using var server = PyzmqPeer.Start("""
            rep = ctx.socket(zmq.REP)
            rep.bind("tcp://127.0.0.1:*")
            print("BOUND", rep.getsockopt(zmq.LAST_ENDPOINT).decode())
            for i in range(2):
                print("request", rep.recv().decode())
                rep.send(b"World")
            """);
        string endpoint = server.WaitForLine("BOUND ");
        var client = ExampleRun.RunToSuccess("hwclient", "--connect", endpoint, "--count", "2");

        Assert.Contains("Received World 1", client.Stdout);
        Assert.Equal(["BOUND " + endpoint, "request Hello", "request Hello"], server.WaitForSuccess());
    }

    /// <summary>version names the library version and the protocol.</summary>
    [Fact]
    public void Version_reports_the_library_and_its_protocol()
    {
        var result = ExampleRun.RunToSuccess("version");
        Assert.Matches(@"^Current Zera version is \d+\.\d+\.\d+", result.Stdout[0]);
        Assert.Contains("ZMTP 3.1", result.Stdout[1]);
    }
}
