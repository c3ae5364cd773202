namespace Zera.IntegrationTests.Behaviour;

/// <summary>The tcp address forms a ZeroMQ user writes: IPv6 literals, the all-interfaces wildcard (IPv4 and, with
/// IPv6 on, dual-stack), host names, ephemeral ports, and a port already taken.</summary>
public class TcpAddressingTests
{
    private static void AssertPasses(ZeraSocket from, ZeraSocket to, string text)
    {
        Io.Send(from, text);
        Assert.True(to.TryReceiveString(Io.Long, out var got), $"'{text}' did not arrive");
        Assert.Equal(text, got);
    }

    private static int PortOf(string endpoint) =>
        int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Ipv6LoopbackLiteralBindsAndConnects()
    {
        using var scope = new Scope();
        var pull = scope.Make(SocketType.Pull);
        pull.Bind("tcp://[::1]:*");
        Assert.StartsWith("tcp://[::1]:", pull.LastEndpoint);
        var push = scope.Connected(SocketType.Push, pull.LastEndpoint!);
        AssertPasses(push, pull, "over ipv6");
    }

    [Fact]
    public void WildcardWithIpv6OnAcceptsBothFamilies()
    {
        using var scope = new Scope();
        var pull = scope.Make(SocketType.Pull);
        pull.IPv6 = true;
        pull.Bind("tcp://*:*");
        int port = PortOf(pull.LastEndpoint!);
        var v4 = scope.Connected(SocketType.Push, $"tcp://127.0.0.1:{port}");
        var v6 = scope.Connected(SocketType.Push, $"tcp://[::1]:{port}");
        AssertPasses(v4, pull, "from ipv4");
        AssertPasses(v6, pull, "from ipv6");
    }

    [Fact]
    public void WildcardReportsTheAnyAddressAndAnEphemeralPort()
    {
        using var scope = new Scope();
        var pull = scope.Make(SocketType.Pull);
        pull.Bind("tcp://*:0");
        Assert.Matches(@"^tcp://0\.0\.0\.0:[1-9][0-9]*$", pull.LastEndpoint);
        int port = PortOf(pull.LastEndpoint!);
        var push = scope.Connected(SocketType.Push, $"tcp://127.0.0.1:{port}");
        AssertPasses(push, pull, "via the wildcard");
    }

    [Fact]
    public void HostNamesAreResolved()
    {
        using var scope = new Scope();
        var pull = scope.Make(SocketType.Pull);
        pull.Bind("tcp://localhost:*");
        Assert.StartsWith("tcp://127.0.0.1:", pull.LastEndpoint);
        int port = PortOf(pull.LastEndpoint!);
        var push = scope.Connected(SocketType.Push, $"tcp://localhost:{port}");
        AssertPasses(push, pull, "by name");
    }

    [Fact]
    public void APortAlreadyBoundIsAddressInUse()
    {
        using var scope = new Scope();
        var first = scope.Make(SocketType.Pull);
        first.Bind("tcp://127.0.0.1:*");
        var second = scope.Make(SocketType.Pull);
        var e = Assert.Throws<ZeraException>(() => second.Bind(first.LastEndpoint!));
        Assert.Equal(ErrorKind.AddressInUse, e.Kind);
        Assert.Contains(first.LastEndpoint!, e.Message);
    }

    [Fact]
    public void AnUnresolvableHostIsReportedAtBind()
    {
        using var scope = new Scope();
        var pull = scope.Make(SocketType.Pull);
        var e = Assert.Throws<ZeraException>(() => pull.Bind("tcp://no-such-host.invalid:5555"));
        Assert.Equal(ErrorKind.AddressNotAvailable, e.Kind);
        Assert.Contains("no-such-host.invalid", e.Message);
    }
}
