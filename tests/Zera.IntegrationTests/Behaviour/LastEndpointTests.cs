using System.Text.RegularExpressions;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>ZMQ_LAST_ENDPOINT (libzmq's test_last_endpoint and zmq_getsockopt): the endpoint actually bound, with
/// wildcards resolved, usable for connecting and unbinding.</summary>
public partial class LastEndpointTests
{
    [GeneratedRegex(@"^tcp://(?<host>[0-9.]+):(?<port>\d+)$")]
    private static partial Regex TcpEndpoint();

    private static int PortOf(string endpoint, string expectedHost)
    {
        var m = TcpEndpoint().Match(endpoint);
        Assert.True(m.Success, $"'{endpoint}' is not a resolved tcp endpoint");
        Assert.Equal(expectedHost, m.Groups["host"].Value);
        int port = int.Parse(m.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(port, 1, 65535);
        return port;
    }

    [Fact]
    public void IsNullBeforeAnyBind()
    {
        using var scope = new Scope();
        Assert.Null(scope.Make(SocketType.Pull).LastEndpoint);
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:*")]
    [InlineData("tcp://127.0.0.1:0")]
    public void EphemeralPortIsResolved(string endpoint)
    {
        using var scope = new Scope();
        var pull = scope.Make(SocketType.Pull);
        pull.Bind(endpoint);
        int port = PortOf(pull.LastEndpoint!, "127.0.0.1");

        var push = scope.Connected(SocketType.Push, $"tcp://127.0.0.1:{port}");
        Io.Send(push, "reached");
        Io.Expect(pull, "reached");
    }

    [Fact]
    public void WildcardInterfaceIsReportedAsAnyAddress()
    {
        using var scope = new Scope();
        var pull = scope.Make(SocketType.Pull);
        pull.Bind("tcp://*:*");
        int port = PortOf(pull.LastEndpoint!, "0.0.0.0");

        var push = scope.Connected(SocketType.Push, $"tcp://127.0.0.1:{port}");
        Io.Send(push, "reached");
        Io.Expect(pull, "reached");
    }

    [Fact]
    public void ExplicitPortIsReportedAsGiven()
    {
        using var scope = new Scope();
        var pull = scope.Make(SocketType.Pull);
        int port = Io.FreeTcpPort();
        pull.Bind($"tcp://127.0.0.1:{port}");
        Assert.Equal($"tcp://127.0.0.1:{port}", pull.LastEndpoint);
    }

    [Theory]
    [InlineData("ipc")]
    [InlineData("inproc")]
    public void NamedEndpointsAreReportedAsGiven(string transport)
    {
        using var scope = new Scope();
        var pull = scope.Make(SocketType.Pull);
        string ep = Endpoints.ForBind(transport);
        pull.Bind(ep);
        Assert.Equal(ep, pull.LastEndpoint);
    }

    /// <summary>The last of several binds is reported.</summary>
    [Fact]
    public void ReportsTheMostRecentBind()
    {
        using var scope = new Scope();
        var pull = scope.Make(SocketType.Pull);
        pull.Bind("tcp://127.0.0.1:*");
        string first = pull.LastEndpoint!;
        string ipc = Endpoints.ForBind("ipc");
        pull.Bind(ipc);
        Assert.Equal(ipc, pull.LastEndpoint);
        pull.Bind("tcp://127.0.0.1:*");
        Assert.NotEqual(first, pull.LastEndpoint);
    }

    /// <summary>The resolved endpoint unbinds the wildcard bind, after which the port is free for another socket.</summary>
    [Fact]
    public void ResolvedEndpointUnbindsTheWildcardBind()
    {
        using var scope = new Scope();
        var first = scope.Make(SocketType.Pull);
        first.Bind("tcp://127.0.0.1:*");
        string ep = first.LastEndpoint!;
        first.Unbind(ep);

        var second = scope.Make(SocketType.Pull);
        second.Bind(ep);
        Assert.Equal(ep, second.LastEndpoint);
        var e = Assert.Throws<ZeraException>(() => first.Unbind(ep));
        Assert.Equal(ErrorKind.AddressNotAvailable, e.Kind);
    }
}
