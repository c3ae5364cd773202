using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour.Security;

/// <summary>
/// ZMTP PLAIN between Zera sockets (RFC 24; libzmq's test_security_plain, in Zera's words): a client with the right
/// username and password gets through; a wrong one is refused with HANDSHAKE_FAILED_AUTH 400 on both sides and no
/// message crosses; PLAIN against NULL is a mechanism mismatch; without a ZAP handler a PLAIN server refuses everyone
/// (HANDSHAKE_FAILED_NO_DETAIL with EFAULT, as libzmq 4.3 does).
/// </summary>
public class PlainTests
{
    private const int EFault = 14;

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void RightPasswordGetsThrough(string transport)
    {
        using var scope = new Scope();
        using var auth = new ZapAuthenticator(scope.Context);
        auth.AddPlainUser("admin", "secret");
        var server = scope.Make(SocketType.Pull);
        server.PlainServer = true;
        string endpoint = Endpoints.Bind(server, transport);
        var client = scope.Make(SocketType.Push);
        client.PlainUsername = "admin";
        client.PlainPassword = "secret";
        client.Connect(endpoint);
        Io.Send(client, "hello", "plain");
        Io.Expect(server, "hello", "plain");
        Assert.Equal("admin", server.LastMessageProperties.UserId);
        Assert.Equal(SecurityMechanism.Plain, server.Mechanism);
        Assert.True(server.PlainServer);
        Assert.False(client.PlainServer);
    }

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void WrongPasswordIsRefused(string transport)
    {
        using var scope = new Scope();
        using var auth = new ZapAuthenticator(scope.Context);
        auth.AddPlainUser("admin", "secret");
        var server = scope.Make(SocketType.Pull);
        server.PlainServer = true;
        using var serverEvents = EventLog.Start(server);
        string endpoint = Endpoints.Bind(server, transport);
        var client = scope.Make(SocketType.Push);
        client.PlainUsername = "admin";
        client.PlainPassword = "wrong";
        using var clientEvents = EventLog.Start(client);
        client.Connect(endpoint);
        Io.Send(client, "must not arrive");
        Assert.Equal(400, serverEvents.WaitFor(SocketEventKind.HandshakeFailedAuth).Value);
        Assert.Equal(400, clientEvents.WaitFor(SocketEventKind.HandshakeFailedAuth).Value);
        Io.ExpectNothing(server);
        Assert.DoesNotContain(serverEvents.Seen, e => e.Kind == SocketEventKind.HandshakeSucceeded);
    }

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void PlainAgainstNullIsAMechanismMismatch(string transport)
    {
        using var scope = new Scope();
        using var auth = new ZapAuthenticator(scope.Context);
        var server = scope.Make(SocketType.Pull);
        server.PlainServer = true;
        using var serverEvents = EventLog.Start(server);
        string endpoint = Endpoints.Bind(server, transport);
        var client = scope.Make(SocketType.Push); // NULL
        using var clientEvents = EventLog.Start(client);
        client.Connect(endpoint);
        const int mechanismMismatch = 0x11000002;
        Assert.Equal(mechanismMismatch, serverEvents.WaitFor(SocketEventKind.HandshakeFailedProtocol).Value);
        Assert.Equal(mechanismMismatch, clientEvents.WaitFor(SocketEventKind.HandshakeFailedProtocol).Value);
    }

    [Fact]
    public void WithoutAHandlerAPlainServerRefusesEveryone()
    {
        using var scope = new Scope();
        var server = scope.Make(SocketType.Pull);
        server.PlainServer = true;
        using var serverEvents = EventLog.Start(server);
        string endpoint = Endpoints.Bind(server, "tcp");
        var client = scope.Make(SocketType.Push);
        client.PlainUsername = "admin";
        client.PlainPassword = "secret";
        client.Connect(endpoint);
        Io.Send(client, "must not arrive");
        Assert.Equal(EFault, serverEvents.WaitFor(SocketEventKind.HandshakeFailedNoDetail).Value);
        Io.ExpectNothing(server);
    }

    [Fact]
    public void RequestReplyOverPlainCarriesTheUserIdBothWays()
    {
        using var scope = new Scope();
        using var auth = new ZapAuthenticator(scope.Context);
        auth.AddPlainUser("alice", "pw");
        var rep = scope.Make(SocketType.Rep);
        rep.PlainServer = true;
        string endpoint = Endpoints.Bind(rep, "tcp");
        var req = scope.Make(SocketType.Req);
        req.PlainUsername = "alice";
        req.PlainPassword = "pw";
        req.Connect(endpoint);
        Io.Send(req, "ping");
        Io.Expect(rep, "ping");
        Assert.Equal("alice", rep.LastMessageProperties.UserId);
        Io.Send(rep, "pong");
        Io.Expect(req, "pong");
        Assert.Null(req.LastMessageProperties.UserId); // the client asked no ZAP handler
        Assert.Equal("REP", req.LastMessageProperties.SocketType);
    }
}
