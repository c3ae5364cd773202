using System.Net.Sockets;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>ipc endpoints (libzmq's test_rebind_ipc and test_abstract_ipc): a path can be bound again after its
/// socket is closed, a file left at the path by a dead process does not prevent binding, and Linux abstract names
/// (<c>ipc://@name</c>) work.</summary>
public class IpcTests
{
    private static string PathOf(string endpoint) => endpoint["ipc://".Length..];

    private static void RoundTrip(Scope scope, ZeraSocket pull, string endpoint, string text)
    {
        var push = scope.Connected(SocketType.Push, endpoint);
        Io.Send(push, text);
        Io.Expect(pull, text);
    }

    [Fact]
    public void PathCanBeBoundAgainAfterClose()
    {
        using var scope = new Scope();
        var first = scope.Bound(SocketType.Pull, "ipc", out var ep);
        RoundTrip(scope, first, ep, "first");
        first.Dispose();

        var second = scope.Make(SocketType.Pull);
        second.Bind(ep);
        RoundTrip(scope, second, ep, "second");
    }

    [Fact]
    public void PathCanBeBoundAgainAfterUnbind()
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, "ipc", out var ep);
        pull.Unbind(ep);
        Assert.False(File.Exists(PathOf(ep)), "unbinding left the socket file behind");

        var other = scope.Make(SocketType.Pull);
        other.Bind(ep);
        RoundTrip(scope, other, ep, "after unbind");
    }

    /// <summary>A regular file left at the path is replaced by the new socket.</summary>
    [Fact]
    public void StaleFileAtThePathIsReplaced()
    {
        using var scope = new Scope();
        string ep = Endpoints.ForBind("ipc");
        File.WriteAllText(PathOf(ep), "left over");
        try
        {
            var pull = scope.Make(SocketType.Pull);
            pull.Bind(ep);
            RoundTrip(scope, pull, ep, "through the replaced file");
        }
        finally
        {
            File.Delete(PathOf(ep));
        }
    }

    /// <summary>A socket node nobody accepts on (as after a crash: the node stays, its listener is gone) is replaced.</summary>
    [Fact]
    public void StaleSocketNodeAtThePathIsReplaced()
    {
        using var scope = new Scope();
        string ep = Endpoints.ForBind("ipc");
        // .NET removes the node of a Unix socket it closes, so bind elsewhere and move the node into place first. The
        // socket is bound but never listens: a node nobody accepts on refuses connects just as a crashed listener's
        // does, and it stays refused even if a child process another test forks at that instant briefly holds a copy
        // of the descriptor (a listening one would still accept through that copy, and CI saw exactly that once).
        string elsewhere = PathOf(Endpoints.ForBind("ipc"));
        using (var dead = new System.Net.Sockets.Socket(AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, ProtocolType.Unspecified))
        {
            dead.Bind(new UnixDomainSocketEndPoint(elsewhere));
            File.Move(elsewhere, PathOf(ep));
        }
        Assert.True(File.Exists(PathOf(ep)), "test setup: closing a Unix listener should leave its node behind");
        try
        {
            var pull = scope.Make(SocketType.Pull);
            pull.Bind(ep);
            RoundTrip(scope, pull, ep, "through the replaced node");
        }
        finally
        {
            File.Delete(PathOf(ep));
        }
    }

    [Fact]
    public void AbstractNamespaceEndpoint()
    {
        using var scope = new Scope();
        string ep = $"ipc://@zera-test-{Environment.ProcessId}-{Guid.NewGuid():N}";
        var server = scope.Make(SocketType.Dealer);
        server.Bind(ep);
        Assert.Equal(ep, server.LastEndpoint);
        Assert.False(File.Exists(ep["ipc://@".Length..]), "an abstract name must not create a file");

        var client = scope.Connected(SocketType.Dealer, ep);
        Io.Send(client, "ABC", "DEF");
        Io.Expect(server, "ABC", "DEF");
        Io.Send(server, "back");
        Io.Expect(client, "back");
    }

    /// <summary>An abstract name in use cannot be bound a second time.</summary>
    [Fact]
    public void AbstractNameInUseFailsWithAddressInUse()
    {
        using var scope = new Scope();
        string ep = $"ipc://@zera-test-{Environment.ProcessId}-{Guid.NewGuid():N}";
        scope.Make(SocketType.Pull).Bind(ep);
        var e = Assert.Throws<ZeraException>(() => scope.Make(SocketType.Pull).Bind(ep));
        Assert.Equal(ErrorKind.AddressInUse, e.Kind);
    }

    /// <summary>An abstract name is free again once its socket is closed.</summary>
    [Fact]
    public void AbstractNameCanBeBoundAgainAfterClose()
    {
        using var scope = new Scope();
        string ep = $"ipc://@zera-test-{Environment.ProcessId}-{Guid.NewGuid():N}";
        var first = scope.Make(SocketType.Pull);
        first.Bind(ep);
        first.Dispose();
        var second = scope.Make(SocketType.Pull);
        second.Bind(ep);
        RoundTrip(scope, second, ep, "again");
    }
}
