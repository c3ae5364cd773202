namespace Zera.IntegrationTests.Cli;

/// <summary><c>zera bench conns</c>: a server and two client processes over tcp, and its usage errors; <c>zera bench
/// fanin</c>: a PULL fed by several PUSH connections from another process.</summary>
public sealed class CliConnectionsBenchTests
{
    [Theory]
    [InlineData("routerdealer", "30 peers answered and released")]
    [InlineData("pubsub", "30 subscribers got the message")]
    public void Conns_server_answers_every_client_and_reports_memory_per_connection(string pattern, string clientSays)
    {
        using var server = CliProcess.Start(["bench", "conns", "tcp://127.0.0.1:*", "60", "-r", "server", "-p", pattern]);
        // "listening on tcp://127.0.0.1:PORT, waiting for 60 peers"
        string endpoint = server.WaitForStderr("listening on ").Split(',')[0];
        using var a = CliProcess.Start(["bench", "conns", endpoint, "30", "-r", "client", "-p", pattern]);
        using var b = CliProcess.Start(["bench", "conns", endpoint, "30", "-r", "client", "-p", pattern]);
        var result = server.WaitForExit();
        Assert.True(result.ExitCode == 0, result.StderrText);
        foreach (var client in new[] { a, b })
        {
            var done = client.WaitForExit();
            Assert.True(done.ExitCode == 0, done.StderrText);
            Assert.Contains(clientSays, done.StderrText, StringComparison.Ordinal);
        }
        var fields = Assert.Single(result.Stdout).Split(' ').Skip(1).Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        Assert.Equal("conns", fields["test"]);
        Assert.Equal("60", fields["conns"]);
        Assert.Equal(pattern, fields["pattern"]);
        Assert.True(long.Parse(fields["rss_after_kb"], System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.True(fields.ContainsKey("rss_bytes_per_conn") && fields.ContainsKey("heap_bytes_per_conn") && fields.ContainsKey("connect_s"));
    }

    [Fact]
    public void Fanin_receives_every_message_from_many_push_connections()
    {
        string endpoint = $"tcp://127.0.0.1:{FreePort()}";
        using var recv = CliProcess.Start(["bench", "fanin", endpoint, "64", "5000", "-n", "20", "-r", "recv"]);
        var send = CliProcess.Run("bench", "fanin", endpoint, "64", "5000", "-n", "20", "-r", "send");
        Assert.True(send.ExitCode == 0, send.StderrText);
        var result = recv.WaitForExit();
        Assert.True(result.ExitCode == 0, result.StderrText);
        var fields = Assert.Single(result.Stdout).Split(' ').Skip(1).Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        Assert.Equal("fanin", fields["test"]);
        Assert.Equal("20", fields["senders"]);
        Assert.Equal("5000", fields["count"]);
        Assert.True(double.Parse(fields["msgs_per_s"], System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Theory]
    [InlineData("fanin", "tcp://127.0.0.1:1", "64", "100")]                       // no role
    [InlineData("fanin", "tcp://127.0.0.1:1", "64", "100", "-n", "0", "-r", "send")] // no senders
    [InlineData("conns", "tcp://127.0.0.1:1", "10")]                 // no role
    [InlineData("conns", "tcp://127.0.0.1:1", "0", "-r", "server")]  // no connections
    [InlineData("conns", "tcp://127.0.0.1:1", "5", "-r", "both")]    // no such role
    public void Bad_conns_command_lines_are_usage_errors(params string[] args)
    {
        var result = CliProcess.Run(["bench", .. args]);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("zera: ", Assert.Single(result.Stderr), StringComparison.Ordinal);
    }

    /// <summary>A tcp port free a moment ago (the receiver binds it; a sender that comes first retries).</summary>
    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }
}
