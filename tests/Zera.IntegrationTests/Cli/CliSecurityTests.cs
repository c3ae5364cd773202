namespace Zera.IntegrationTests.Cli;

/// <summary>The tool's security options: CURVE and PLAIN between <c>zera</c> processes over tcp, the ZAP allow
/// lists, and the combinations refused as usage errors.</summary>
public sealed class CliSecurityTests
{
    private const string Timeout = "15000";

    /// <summary>How long a receiver that must get nothing waits (exit code 2 when it runs out).</summary>
    private const string ShortTimeout = "2000";

    [Fact]
    public void Curve_send_reaches_recv_with_the_servers_public_key()
    {
        var server = Curve.GenerateKeyPair();
        using var recv = StartServer(["recv", "--count", "1", "--timeout", Timeout, "--curve-server", "--curve-secret-key", server.SecretKey]);
        string endpoint = recv.WaitForStderr("listening on ");

        var send = CliProcess.Run("send", endpoint, "secret", "0x00ff", "--timeout", Timeout, "--curve-server-key", server.PublicKey);
        Assert.True(send.ExitCode == 0, send.StderrText);
        var result = recv.WaitForExit();
        Assert.True(result.ExitCode == 0, result.StderrText);
        Assert.Equal(["secret\t0x00ff"], result.Stdout);
    }

    [Fact]
    public void Keys_and_frames_that_begin_with_an_at_sign_are_taken_as_they_are()
    {
        // '@' is a Z85 character; the parser once read such a key as a response file. About one key in 85 begins with
        // it, so look for a pair whose secret and public keys both do.
        CurveKeyPair server;
        do server = Curve.GenerateKeyPair();
        while (server.SecretKey[0] != '@' || server.PublicKey[0] != '@');
        using var recv = StartServer(["recv", "--count", "1", "--timeout", Timeout, "--curve-server", "--curve-secret-key", server.SecretKey]);
        string endpoint = recv.WaitForStderr("listening on ");

        var send = CliProcess.Run("send", endpoint, "@not-a-file", "--timeout", Timeout, "--curve-server-key", server.PublicKey);
        Assert.True(send.ExitCode == 0, send.StderrText);
        var result = recv.WaitForExit();
        Assert.True(result.ExitCode == 0, result.StderrText);
        Assert.Equal(["@not-a-file"], result.Stdout);
    }

    [Fact]
    public void Curve_with_a_wrong_server_key_delivers_nothing_and_recv_times_out()
    {
        var server = Curve.GenerateKeyPair();
        var impostor = Curve.GenerateKeyPair();
        using var recv = StartServer(["recv", "--count", "1", "--timeout", ShortTimeout, "--curve-server", "--curve-secret-key", server.SecretKey]);
        string endpoint = recv.WaitForStderr("listening on ");

        // The message is queued for a connection whose handshake never succeeds; linger 0 drops it at exit.
        using var send = CliProcess.Start(["send", endpoint, "lost", "--timeout", Timeout, "--linger", "0", "--curve-server-key", impostor.PublicKey]);
        var result = recv.WaitForExit();
        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Stdout);
        send.WaitForExit();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Zap_allow_key_admits_only_the_listed_client(bool listed)
    {
        var server = Curve.GenerateKeyPair();
        var client = Curve.GenerateKeyPair();
        string allowed = listed ? client.PublicKey : Curve.GenerateKeyPair().PublicKey;
        using var recv = StartServer(["recv", "--count", "1", "--timeout", listed ? Timeout : ShortTimeout,
            "--curve-server", "--curve-secret-key", server.SecretKey, "--zap-allow-key", allowed]);
        string endpoint = recv.WaitForStderr("listening on ");

        using var send = CliProcess.Start(["send", endpoint, "hi", "--timeout", Timeout, "--linger", listed ? "-1" : "0",
            "--curve-server-key", server.PublicKey, "--curve-secret-key", client.SecretKey]);
        var result = recv.WaitForExit();
        if (listed)
        {
            Assert.True(result.ExitCode == 0, result.StderrText);
            Assert.Equal(["hi"], result.Stdout);
            Assert.Equal(0, send.WaitForExit().ExitCode);
        }
        else
        {
            Assert.Equal(2, result.ExitCode);
            Assert.Empty(result.Stdout);
            send.WaitForExit();
        }
    }

    [Theory]
    [InlineData("s3cret", true)]
    [InlineData("guess", false)]
    public void Plain_send_reaches_recv_only_with_a_user_the_zap_handler_knows(string password, bool accepted)
    {
        using var recv = StartServer(["recv", "--count", "1", "--timeout", accepted ? Timeout : ShortTimeout,
            "--plain-server", "--zap-allow-user", "admin:s3cret", "--zap-allow-user", "guest:other"]);
        string endpoint = recv.WaitForStderr("listening on ");

        using var send = CliProcess.Start(["send", endpoint, "hello", "--timeout", Timeout, "--linger", accepted ? "-1" : "0",
            "--plain-username", "admin", "--plain-password", password]);
        var result = recv.WaitForExit();
        if (accepted)
        {
            Assert.True(result.ExitCode == 0, result.StderrText);
            Assert.Equal(["hello"], result.Stdout);
            Assert.Equal(0, send.WaitForExit().ExitCode);
        }
        else
        {
            Assert.Equal(2, result.ExitCode);
            Assert.Empty(result.Stdout);
            send.WaitForExit();
        }
    }

    [Fact]
    public void Zap_allow_ip_admits_loopback_clients()
    {
        var server = Curve.GenerateKeyPair();
        using var recv = StartServer(["recv", "--count", "1", "--timeout", Timeout,
            "--curve-server", "--curve-secret-key", server.SecretKey, "--zap-allow-ip", "127.0.0.1"]);
        string endpoint = recv.WaitForStderr("listening on ");

        var send = CliProcess.Run("send", endpoint, "local", "--timeout", Timeout, "--curve-server-key", server.PublicKey);
        Assert.True(send.ExitCode == 0, send.StderrText);
        var result = recv.WaitForExit();
        Assert.True(result.ExitCode == 0, result.StderrText);
        Assert.Equal(["local"], result.Stdout);
    }

    [Fact]
    public void Echo_as_a_curve_server_answers_a_curve_req()
    {
        var server = Curve.GenerateKeyPair();
        using var echo = StartServer(["echo", "--count", "1", "--timeout", Timeout, "--quiet", "--curve-server", "--curve-secret-key", server.SecretKey]);
        string endpoint = echo.WaitForStderr("listening on ");

        var req = CliProcess.Run("send", endpoint, "ping", "--type", "req", "--timeout", Timeout, "--curve-server-key", server.PublicKey);
        Assert.True(req.ExitCode == 0, req.StderrText);
        Assert.Equal(["ping"], req.Stdout);
        Assert.Equal(0, echo.WaitForExit().ExitCode);
    }

    /// <summary>The proxy's frontend is the CURVE server; its backend stays NULL.</summary>
    [Fact]
    public void Proxy_frontend_takes_the_security_options()
    {
        var server = Curve.GenerateKeyPair();
        using var proxy = CliProcess.Start(["proxy", "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", "--front-type", "pull", "--back-type", "push",
            "--curve-server", "--curve-secret-key", server.SecretKey]);
        var endpoints = proxy.WaitForStderr("listening on ", 2);

        using var recv = CliProcess.Start(["recv", endpoints[1], "--count", "1", "--timeout", Timeout]);
        var send = CliProcess.Run("send", endpoints[0], "through", "--timeout", Timeout, "--curve-server-key", server.PublicKey);
        Assert.True(send.ExitCode == 0, send.StderrText);
        var result = recv.WaitForExit();
        Assert.True(result.ExitCode == 0, result.StderrText);
        Assert.Equal(["through"], result.Stdout);
    }

    public static TheoryData<string[], string> BadCombinations => new()
    {
        { ["--curve-server"], "--curve-secret-key" },
        { ["--curve-server-key", "not-a-key"], "--curve-server-key" },
        { ["--curve-server", "--curve-secret-key", "too-short"], "--curve-secret-key" },
        { ["--curve-secret-key", Curve.GenerateKeyPair().SecretKey], "--curve-secret-key" },
        { ["--plain-server"], "--zap-allow-user" },
        { ["--plain-username", "admin"], "--plain-password" },
        { ["--zap-allow-user", "admin:pw"], "--plain-server" },
        { ["--plain-server", "--zap-allow-user", "nocolon"], "--zap-allow-user" },
        { ["--zap-allow-key", Curve.GenerateKeyPair().PublicKey], "--curve-server" },
        { ["--zap-allow-ip", "127.0.0.1"], "--zap-allow-ip" },
        { ["--curve-server", "--curve-secret-key", Curve.GenerateKeyPair().SecretKey, "--zap-allow-ip", "nowhere"], "--zap-allow-ip" },
        { ["--curve-server-key", Curve.GenerateKeyPair().PublicKey, "--plain-username", "a", "--plain-password", "b"], "CURVE and PLAIN" },
    };

    [Theory]
    [MemberData(nameof(BadCombinations))]
    public void A_bad_combination_is_a_usage_error_naming_the_option(string[] options, string named)
    {
        var result = CliProcess.Run(["recv", "tcp://127.0.0.1:1", "--timeout", "100", .. options], stdin: null);
        Assert.Equal(1, result.ExitCode);
        string line = Assert.Single(result.Stderr);
        Assert.StartsWith("zera: ", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public void Send_checks_its_security_options_too()
    {
        var result = CliProcess.Run("send", "tcp://127.0.0.1:1", "x", "--curve-server");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--curve-secret-key", Assert.Single(result.Stderr), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("send")]
    [InlineData("recv")]
    [InlineData("echo")]
    [InlineData("monitor")]
    [InlineData("proxy")]
    public void Help_documents_every_security_option(string command)
    {
        var result = CliProcess.Run(command, "--help");
        Assert.Equal(0, result.ExitCode);
        string text = string.Join('\n', result.Stdout);
        foreach (var option in new[] { "--curve-server", "--curve-secret-key", "--curve-server-key", "--plain-server",
                     "--plain-username", "--plain-password", "--zap-allow-user", "--zap-allow-key", "--zap-allow-ip" })
            Assert.Contains(option, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_keygen_and_documents_its_option()
    {
        Assert.Contains("  keygen", string.Join('\n', CliProcess.Run("--help").Stdout), StringComparison.Ordinal);
        var result = CliProcess.Run("keygen", "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--cert", string.Join('\n', result.Stdout), StringComparison.Ordinal);
    }

    /// <summary>Starts <c>zera COMMAND tcp://127.0.0.1:* --bind OPTIONS</c>; its endpoint comes on stderr.</summary>
    private static CliProcess StartServer(string[] commandAndOptions) =>
        CliProcess.Start([commandAndOptions[0], "tcp://127.0.0.1:*", "--bind", .. commandAndOptions[1..]]);
}
