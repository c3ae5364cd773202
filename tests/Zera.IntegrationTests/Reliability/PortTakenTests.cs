using System.Net.Sockets;
using Zera.IntegrationTests.Cli;
using Zera.IntegrationTests.Interop;
using Zera.IntegrationTests.Support;
using NetSocket = System.Net.Sockets.Socket;

namespace Zera.IntegrationTests.Reliability;

/// <summary>
/// The address a socket is to listen on is held by another process (here a plain Python listener, not a ZeroMQ
/// peer): <c>Bind</c> fails at once with <see cref="ErrorKind.AddressInUse"/> and a message naming the endpoint, the
/// other process's listener is left alone (an ipc socket file with a live listener is not removed), and the
/// <c>zera</c> tool says so in one line and exits non-zero.
/// </summary>
public sealed class PortTakenTests
{
    /// <summary>Holds a tcp port (printing <c>HELD port</c>) or an ipc path (<c>HELD path</c>) with a listening
    /// socket until killed; it never accepts, which a bind conflict does not need.</summary>
    private const string Holder = """
        import socket, sys, time
        if sys.argv[1] == 'tcp':
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(('127.0.0.1', 0))
            s.listen(16)
            print('HELD', s.getsockname()[1])
        else:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(sys.argv[2])
            s.listen(16)
            print('HELD', sys.argv[2])
        time.sleep(120)  # held until the test kills this process
        """;

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public void BindFailsWithAddressInUseNamingTheEndpoint(string transport)
    {
        using var holder = Hold(transport, out string endpoint);
        using var ctx = new Context();
        using var socket = ctx.CreateSocket(SocketType.Pull);
        socket.Linger = 0;

        var e = Assert.Throws<ZeraException>(() => socket.Bind(endpoint));
        Assert.Equal(ErrorKind.AddressInUse, e.Kind);
        Assert.Contains(endpoint, e.Message, StringComparison.Ordinal);
        Assert.Null(socket.LastEndpoint);

        // The failed bind took nothing from the other process: its listener still takes connections.
        Assert.True(StillListening(transport, endpoint), $"{endpoint} no longer accepts connections after Zera's failed bind");

        // And the socket is still usable: it binds elsewhere.
        socket.Bind(Endpoints.ForBind(transport));
        Assert.NotNull(socket.LastEndpoint);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public void TheToolSaysSoInOneLineAndExitsNonZero(string transport)
    {
        using var holder = Hold(transport, out string endpoint);
        var result = CliProcess.Run("recv", endpoint, "--bind");
        Assert.NotEqual(0, result.ExitCode);
        string line = Assert.Single(result.Stderr);
        Assert.StartsWith("zera: ", line, StringComparison.Ordinal);
        Assert.Contains(endpoint, line, StringComparison.Ordinal);
        Assert.Contains(transport == "tcp" ? "in use" : "another process is listening", line, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", line, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
        Assert.True(StillListening(transport, endpoint), $"{endpoint} no longer accepts connections after the tool's failed bind");
    }

    private static ScriptPeer Hold(string transport, out string endpoint)
    {
        if (transport == "tcp")
        {
            var peer = new ScriptPeer(Holder, "tcp");
            endpoint = $"tcp://127.0.0.1:{peer.WaitForLine("HELD")}";
            return peer;
        }
        string path = Endpoints.ForBind("ipc")["ipc://".Length..];
        var ipcPeer = new ScriptPeer(Holder, "ipc", path);
        ipcPeer.WaitForLine("HELD");
        endpoint = "ipc://" + path;
        return ipcPeer;
    }

    private static bool StillListening(string transport, string endpoint)
    {
        using var probe = transport == "tcp"
            ? new NetSocket(AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, ProtocolType.Tcp)
            : new NetSocket(AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, ProtocolType.Unspecified);
        System.Net.EndPoint target = transport == "tcp"
            ? new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, new Uri(endpoint).Port)
            : new UnixDomainSocketEndPoint(endpoint["ipc://".Length..]);
        try
        {
            return probe.ConnectAsync(target).Wait(Wait.Timeout);
        }
        catch (AggregateException e) when (e.InnerException is SocketException)
        {
            return false;
        }
    }
}
