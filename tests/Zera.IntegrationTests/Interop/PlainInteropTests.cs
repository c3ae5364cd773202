using Zera.IntegrationTests.Behaviour;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Interop;

/// <summary>
/// PLAIN between Zera and libzmq (pyzmq), both ways round, over tcp and ipc: libzmq as the server with pyzmq's
/// <c>zmq.auth.thread.ThreadAuthenticator</c>, Zera as the server with <see cref="ZapAuthenticator"/>; the right
/// password gets a message through with its User-Id, a wrong one is refused with ZAP status 400.
/// </summary>
/// <remarks>Released libzmq (4.3.5 and earlier) writes PLAIN's ERROR command as 0x5E "RROR" (a C hex escape that
/// swallowed the E) and its PLAIN client expects exactly that. Zera's client accepts that form, so it reports the
/// refusal as HANDSHAKE_FAILED_AUTH 400; Zera's server sends RFC 23's ERROR, which such a client cannot read: it
/// reports HANDSHAKE_FAILED_PROTOCOL (unexpected command) for what is still a refusal.</remarks>
public class PlainInteropTests
{
    private const string Script = """
        import sys, zmq
        from zmq.auth.thread import ThreadAuthenticator
        from zmq.utils.monitor import recv_monitor_message
        role, endpoint, user, password = sys.argv[1:5]
        ctx = zmq.Context()
        deadline = 10000
        if role == "server":
            auth = ThreadAuthenticator(ctx)
            auth.start()
            auth.configure_plain(domain="*", passwords={"admin": "secret"})
            s = ctx.socket(zmq.PULL)
            s.plain_server = True
        else:
            s = ctx.socket(zmq.PUSH)
            s.plain_username = user.encode()
            s.plain_password = password.encode()
        s.linger = 2000
        mon = s.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED | zmq.EVENT_HANDSHAKE_FAILED_AUTH | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL)
        if role == "server":
            s.bind(endpoint)
            print("ENDPOINT", s.last_endpoint.decode(), flush=True)
        else:
            s.connect(endpoint)
            s.send(b"hello from libzmq")
        poller = zmq.Poller()
        poller.register(mon, zmq.POLLIN)
        if role == "server":
            poller.register(s, zmq.POLLIN)
        done = False
        while not done:
            ready = dict(poller.poll(deadline))
            if not ready:
                print("TIMEOUT", flush=True)
                break
            if mon in ready:
                e = recv_monitor_message(mon)
                if e["event"] == zmq.EVENT_HANDSHAKE_FAILED_AUTH:
                    print("AUTHFAIL", e["value"], flush=True)
                    done = True
                elif e["event"] == zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL:
                    print("PROTOFAIL", hex(e["value"]), flush=True)
                    done = True
                elif role == "client":
                    print("SENT", flush=True)
                    done = True
            if s in ready:
                f = s.recv(copy=False)
                print("RECV", f.bytes.decode(), f.get("User-Id"), flush=True)
                done = True
        mon.close(0)
        s.close()
        if role == "server":
            auth.stop()
        ctx.term()
        print("DONE", flush=True)
        """;

    private static string Endpoint(string transport) =>
        transport == "tcp" ? "tcp://127.0.0.1:*" : Endpoints.ForBind("ipc");

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void ZeraClientToLibzmqServer(string transport)
    {
        using var peer = new ScriptPeer(Script, "server", Endpoint(transport), "", "");
        string endpoint = peer.WaitForLine("ENDPOINT");
        using var scope = new Scope();
        var push = scope.Make(SocketType.Push);
        push.PlainUsername = "admin";
        push.PlainPassword = "secret";
        push.Connect(endpoint);
        Io.Send(push, "hello from zera");
        Assert.Equal("hello from zera admin", peer.WaitForLine("RECV"));
        peer.WaitForLine("DONE");
    }

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void ZeraClientWithAWrongPasswordIsRefusedByLibzmq(string transport)
    {
        using var peer = new ScriptPeer(Script, "server", Endpoint(transport), "", "");
        string endpoint = peer.WaitForLine("ENDPOINT");
        using var scope = new Scope();
        var push = scope.Make(SocketType.Push);
        push.PlainUsername = "admin";
        push.PlainPassword = "wrong";
        using var events = EventLog.Start(push);
        push.Connect(endpoint);
        Assert.Equal(400, events.WaitFor(SocketEventKind.HandshakeFailedAuth).Value);
        Assert.Equal("400", peer.WaitForLine("AUTHFAIL"));
    }

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void LibzmqClientToZeraServer(string transport)
    {
        using var scope = new Scope();
        using var auth = new ZapAuthenticator(scope.Context);
        auth.AddPlainUser("admin", "secret");
        var pull = scope.Make(SocketType.Pull);
        pull.PlainServer = true;
        string endpoint = Endpoints.Bind(pull, transport);
        using var peer = new ScriptPeer(Script, "client", endpoint, "admin", "secret");
        Io.Expect(pull, "hello from libzmq");
        var properties = pull.LastMessageProperties;
        Assert.Equal("admin", properties.UserId);
        Assert.Equal("PUSH", properties.SocketType);
        peer.WaitForLine("SENT");
    }

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void LibzmqClientWithAWrongPasswordIsRefusedByZera(string transport)
    {
        using var scope = new Scope();
        using var auth = new ZapAuthenticator(scope.Context);
        auth.AddPlainUser("admin", "secret");
        var pull = scope.Make(SocketType.Pull);
        pull.PlainServer = true;
        using var events = EventLog.Start(pull);
        string endpoint = Endpoints.Bind(pull, transport);
        using var peer = new ScriptPeer(Script, "client", endpoint, "admin", "wrong");
        Assert.Equal(400, events.WaitFor(SocketEventKind.HandshakeFailedAuth).Value);
        Assert.Equal("0x10000001", peer.WaitForLine("PROTOFAIL")); // libzmq's own PLAIN ERROR bug, see the remarks
        Io.ExpectNothing(pull, Io.Short);
    }
}
