namespace Zera.IntegrationTests.Cli;

/// <summary><c>zera send</c>, <c>recv</c> and <c>echo</c> talking to each other, as separate processes.</summary>
public sealed class CliMessagingTests
{
    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public void Recv_prints_what_send_sent_text_as_text_and_binary_as_hex(string transport)
    {
        string bind = BindEndpoint(transport);
        using var recv = CliProcess.Start(["recv", bind, "--bind", "--count", "3", "--timeout", "15000"]);
        // A tcp wildcard port is printed once bound; an ipc path is the endpoint itself.
        string endpoint = transport == "tcp" ? recv.WaitForStderr("listening on ") : bind;

        var first = CliProcess.Run("send", endpoint, "hello", "0x00ff", "", "wörld");
        Assert.True(first.ExitCode == 0, first.StderrText);
        // No FRAME: each stdin line is one message, in the same syntax.
        var second = CliProcess.Run(["send", endpoint, "--type", "push"], stdin: "line one\n0x0102\n");
        Assert.True(second.ExitCode == 0, second.StderrText);

        var result = recv.WaitForExit();
        Assert.True(result.ExitCode == 0, result.StderrText);
        Assert.Equal(["hello\t0x00ff\t\twörld", "line one", "0x0102"], result.Stdout);
    }

    [Fact]
    public void Send_can_bind_and_recv_connect()
    {
        string endpoint = BindEndpoint("ipc");
        using var send = CliProcess.Start(["send", endpoint, "--bind", "one", "0x", "--count", "2", "--timeout", "15000"]);
        var result = CliProcess.Run("recv", endpoint, "--count", "2", "--timeout", "15000");
        Assert.True(result.ExitCode == 0, result.StderrText);
        Assert.Equal(["one\t", "one\t"], result.Stdout);
        Assert.Equal(0, send.WaitForExit().ExitCode);
    }

    [Fact]
    public void A_frame_that_begins_with_a_dash_goes_after_a_double_dash()
    {
        string endpoint = BindEndpoint("ipc");
        using var recv = CliProcess.Start(["recv", endpoint, "--bind", "--count", "1", "--timeout", "15000"]);
        var send = CliProcess.Run("send", endpoint, "--timeout", "15000", "--", "-x", "--y", "z");
        Assert.True(send.ExitCode == 0, send.StderrText);
        var result = recv.WaitForExit();
        Assert.True(result.ExitCode == 0, result.StderrText);
        Assert.Equal(["-x\t--y\tz"], result.Stdout);
    }

    [Fact]
    public void An_unknown_option_among_the_frames_is_refused_not_sent()
    {
        // Before: the option and its value went out as two more frames, and send hung with no peer.
        var result = CliProcess.Run("send", "tcp://127.0.0.1:1", "x", "--type", "push", "--curve-server-kee", "K");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("'--curve-server-kee'", Assert.Single(result.Stderr), StringComparison.Ordinal);
    }

    [Fact]
    public void Echo_answers_each_request_of_send_type_req()
    {
        using var echo = CliProcess.Start(["echo", "tcp://127.0.0.1:*", "--bind", "--count", "2", "--timeout", "15000"]);
        string endpoint = echo.WaitForStderr("listening on ");

        var req = CliProcess.Run("send", endpoint, "ping", "0x01", "--type", "req", "--count", "2", "--timeout", "15000");
        Assert.True(req.ExitCode == 0, req.StderrText);
        Assert.Equal(["ping\t0x01", "ping\t0x01"], req.Stdout);

        var served = echo.WaitForExit();
        Assert.True(served.ExitCode == 0, served.StderrText);
        Assert.Equal(["ping\t0x01", "ping\t0x01"], served.Stdout);
    }

    [Fact]
    public void Router_send_reaches_the_peer_named_by_the_first_frame()
    {
        using var router = CliProcess.Start(["send", "tcp://127.0.0.1:*", "--bind", "--type", "router", "worker-1", "job", "--timeout", "15000"]);
        string endpoint = router.WaitForStderr("listening on ");

        var dealer = CliProcess.Run("recv", endpoint, "--type", "dealer", "--routing-id", "worker-1", "--count", "1", "--timeout", "15000");
        Assert.True(dealer.ExitCode == 0, dealer.StderrText);
        Assert.Equal(["job"], dealer.Stdout);
        Assert.Equal(0, router.WaitForExit().ExitCode);
    }

    [Fact]
    public void Recv_exits_with_code_2_when_nothing_arrives_before_the_timeout()
    {
        var result = CliProcess.Run("recv", BindEndpoint("ipc"), "--bind", "--timeout", "200");
        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Single(result.Stderr);
    }

    private static string BindEndpoint(string transport) => transport == "tcp"
        ? "tcp://127.0.0.1:*"
        : $"ipc://{Path.Combine(Path.GetTempPath(), $"zera-cli-test-{Guid.NewGuid():N}.ipc")}";
}
