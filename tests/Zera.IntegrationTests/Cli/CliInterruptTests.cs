using System.Diagnostics;
using Xunit.Abstractions;

namespace Zera.IntegrationTests.Cli;

/// <summary>
/// Ctrl-C, for real: the examples program (<c>interrupt recv|poll|proxy</c>) and the <c>zera</c> tool run as child
/// processes, do some work with a peer in this process, then get SIGINT while blocked; each must wake, close its
/// sockets and context, and exit with its code (0 for the example, 130 for zera) and its last line. The time from
/// the signal to the exit is logged (the goal is well under a second) but asserted only with a generous bound.
/// </summary>
public sealed class CliInterruptTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>The bound for the exit after SIGINT: generous, for loaded CI machines.</summary>
    private static readonly TimeSpan s_exitBound = TimeSpan.FromSeconds(5);

    private readonly Context _context = new();

    [Fact]
    public void Example_blocked_in_receive_exits_cleanly_on_ctrl_c()
    {
        using var example = CliProcess.StartExample(["interrupt", "recv", "tcp://127.0.0.1:*"]);
        string endpoint = EndpointIn(example.WaitForStdout("blocked in receive on "));
        using var client = Peer(SocketType.Req, endpoint);
        Assert.True(client.TrySend("ping", s_exitBound));
        Assert.True(client.TryReceiveString(s_exitBound, out var reply), "the example did not answer");
        Assert.Equal("ping", reply);

        var result = InterruptAndWait(example);
        Assert.True(result.ExitCode == 0, result.StderrText);
        Assert.Contains("interrupted: sockets closed, closing the context", result.Stdout);
    }

    [Fact]
    public void Example_blocked_in_poll_exits_cleanly_on_ctrl_c()
    {
        using var example = CliProcess.StartExample(["interrupt", "poll", "tcp://127.0.0.1:*"]);
        string endpoint = EndpointIn(example.WaitForStdout("polling "));
        using var push = Peer(SocketType.Push, endpoint);
        Assert.True(push.TrySend("hello", s_exitBound));
        example.WaitForStdout("received hello");

        var result = InterruptAndWait(example);
        Assert.True(result.ExitCode == 0, result.StderrText);
        Assert.Contains("interrupted: sockets closed, closing the context", result.Stdout);
    }

    [Fact]
    public void Example_running_a_proxy_exits_cleanly_on_ctrl_c()
    {
        using var example = CliProcess.StartExample(["interrupt", "proxy", "tcp://127.0.0.1:*", "tcp://127.0.0.1:*"]);
        string[] endpoints = example.WaitForStdout("proxying ").Split(' ');
        using var client = Peer(SocketType.Req, endpoints[0]);
        using var worker = Peer(SocketType.Rep, endpoints[2]);
        Assert.True(client.TrySend("job", s_exitBound));
        Assert.True(worker.TryReceiveString(s_exitBound, out var job), "the request did not cross the proxy");
        Assert.Equal("job", job);
        Assert.True(worker.TrySend("done", s_exitBound));
        Assert.True(client.TryReceiveString(s_exitBound, out var reply), "the reply did not cross the proxy");
        Assert.Equal("done", reply);

        var result = InterruptAndWait(example);
        Assert.True(result.ExitCode == 0, result.StderrText);
        // Routing id, delimiter and body of the one request.
        Assert.Contains("interrupted: the proxy moved 3 frames to the backend", result.Stdout);
    }

    [Fact]
    public void Zera_recv_exits_130_on_ctrl_c()
    {
        using var recv = CliProcess.Start(["recv", "tcp://127.0.0.1:*", "--type", "pull", "--bind"]);
        string endpoint = recv.WaitForStderr("listening on ");
        using var push = Peer(SocketType.Push, endpoint);
        Assert.True(push.TrySend("hello", s_exitBound));
        recv.WaitForStdout("hello");

        var result = InterruptAndWait(recv);
        Assert.True(result.ExitCode == 130, $"exit code {result.ExitCode}; stderr: {result.StderrText}");
        Assert.Equal(["hello"], result.Stdout);
        Assert.Equal(["zera: listening on " + endpoint], result.Stderr); // no error, no stack trace
    }

    [Fact]
    public void Zera_proxy_exits_130_on_ctrl_c_and_reports_what_it_moved()
    {
        using var proxy = CliProcess.Start(["proxy", "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", "--front-type", "pull", "--back-type", "push"]);
        var endpoints = proxy.WaitForStderr("listening on ", 2);
        using var source = Peer(SocketType.Push, endpoints[0]);
        using var sink = Peer(SocketType.Pull, endpoints[1]);
        Assert.True(source.TrySend("through", s_exitBound));
        Assert.True(sink.TryReceiveString(s_exitBound, out var moved), "the message did not cross the proxy");
        Assert.Equal("through", moved);

        var result = InterruptAndWait(proxy);
        Assert.True(result.ExitCode == 130, $"exit code {result.ExitCode}; stderr: {result.StderrText}");
        Assert.Contains("zera: proxy moved 1 frames (7 bytes) front to back, 0 frames (0 bytes) back to front", result.Stderr);
    }

    public void Dispose() => _context.Dispose();

    /// <summary>Sends SIGINT and waits (bounded) for the exit; logs how long the exit took.</summary>
    private CliResult InterruptAndWait(CliProcess process)
    {
        var clock = Stopwatch.StartNew();
        process.Interrupt();
        var result = process.WaitForExit(s_exitBound);
        output.WriteLine($"'{process}' exited {result.ExitCode} {clock.Elapsed.TotalMilliseconds:F0} ms after SIGINT");
        return result;
    }

    /// <summary>A peer in this process, connected to <paramref name="endpoint"/>; it drops what it holds on close.</summary>
    private ZeraSocket Peer(SocketType type, string endpoint)
    {
        var socket = _context.CreateSocket(type);
        socket.Linger = 0;
        socket.Connect(endpoint);
        return socket;
    }

    /// <summary>The endpoint at the start of a ready line's tail ("tcp://127.0.0.1:4711 (Ctrl-C to stop)").</summary>
    private static string EndpointIn(string text) => text.Split(' ')[0];
}
