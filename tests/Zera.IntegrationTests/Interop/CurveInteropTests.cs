using Zera.IntegrationTests.Behaviour;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Interop;

/// <summary>
/// CURVE between Zera and libzmq (pyzmq), both ways round, over tcp and ipc. The libzmq side is a PAIR with
/// heartbeats on, so PING and PONG travel sealed both ways during the conversation; a stream of messages (multipart,
/// some of 200 KB) goes one way and is echoed back, checked frame by frame, and neither side may see a disconnect.
/// Refusals: a client expecting another server key fails with libzmq's cryptographic protocol error; a key the ZAP
/// handler does not know is refused with status 400 on both sides, whichever library runs the handler.
/// </summary>
public class CurveInteropTests
{
    private const int Count = 300;

    private const string Script = """
        import sys, time, zmq
        from zmq.auth.thread import ThreadAuthenticator
        from zmq.utils.monitor import recv_monitor_message
        role, endpoint, server_public, server_secret, client_public, client_secret, auth_mode, count = sys.argv[1:9]
        count = int(count)

        class OnlyOne:
            def callback(self, domain, key):
                return key == client_public.encode()

        def message(i):
            size = 200 * 1024 if i % 100 == 7 else 10 + i % 90
            return [b"%d" % i, bytes((i + k) % 256 for k in range(size))]

        ctx = zmq.Context()
        auth = None
        s = ctx.socket(zmq.PAIR)
        s.linger = 2000
        s.heartbeat_ivl = 25
        s.heartbeat_timeout = 1000
        if role == "server":
            if auth_mode != "none":
                auth = ThreadAuthenticator(ctx)
                auth.start()
                if auth_mode == "any":
                    auth.configure_curve(domain="*", location=zmq.auth.CURVE_ALLOW_ANY)
                else:
                    auth.configure_curve_callback(domain="*", credentials_provider=OnlyOne())
            s.curve_server = True
            s.curve_publickey = server_public.encode()
            s.curve_secretkey = server_secret.encode()
        else:
            s.curve_serverkey = server_public.encode()
            s.curve_publickey = client_public.encode()
            s.curve_secretkey = client_secret.encode()
        mon = s.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED | zmq.EVENT_HANDSHAKE_FAILED_AUTH
                                   | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL | zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL
                                   | zmq.EVENT_DISCONNECTED)
        if role == "server":
            s.bind(endpoint)
            print("ENDPOINT", s.last_endpoint.decode(), flush=True)
        else:
            s.connect(endpoint)
        poller = zmq.Poller()
        poller.register(mon, zmq.POLLIN)
        poller.register(s, zmq.POLLIN)
        sent = received = 0
        failed = False
        # The client sends once the handshake is done: a refused libzmq PAIR blocks its sender for good.
        handshaken = False
        while received < count + 1:
            if role == "client" and handshaken and sent == count and received == count:
                time.sleep(0.3)  # heartbeats only: sealed PINGs and PONGs cross while nothing else does
                s.send_multipart([b"bye"])
                sent += 1
            while role == "client" and handshaken and sent < count:
                s.send_multipart(message(sent))
                sent += 1
            ready = dict(poller.poll(10000))
            if not ready:
                print("TIMEOUT", sent, received, flush=True)
                failed = True
                break
            if mon in ready:
                e = recv_monitor_message(mon)
                kind = {zmq.EVENT_HANDSHAKE_FAILED_AUTH: "auth", zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL: "protocol",
                        zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL: "nodetail", zmq.EVENT_DISCONNECTED: "disconnected"}.get(e["event"])
                handshaken = handshaken or e["event"] == zmq.EVENT_HANDSHAKE_SUCCEEDED
                if kind is not None:
                    print("FAIL", kind, hex(e["value"]) if kind == "protocol" else e["value"], flush=True)
                    failed = True
                    break
            if s in ready:
                frames = s.recv_multipart(copy=False)
                if received == 0 and role == "server":
                    print("USERID", frames[0].get("User-Id"), flush=True)
                data = [f.bytes for f in frames]
                if role == "server":
                    s.send_multipart(data)
                elif received < count and data != message(received):
                    print("MISMATCH", received, flush=True)
                    failed = True
                    break
                received += 1
        if not failed:
            print("OK", received, flush=True)
        mon.close(0)
        s.close()
        if auth is not None:
            auth.stop()
        ctx.term()
        print("DONE", flush=True)
        """;

    private static readonly CurveKeyPair s_server = Curve.GenerateKeyPair();
    private static readonly CurveKeyPair s_client = Curve.GenerateKeyPair();

    private static string Endpoint(string transport) =>
        transport == "tcp" ? "tcp://127.0.0.1:*" : Endpoints.ForBind("ipc");

    private static ScriptPeer LibzmqServer(string transport, string authMode) =>
        new(Script, "server", Endpoint(transport), s_server.PublicKey, s_server.SecretKey, s_client.PublicKey, "-", authMode, Count.ToString());

    private static ScriptPeer LibzmqClient(string endpoint, CurveKeyPair client, string serverKey) =>
        new(Script, "client", endpoint, serverKey, "-", client.PublicKey, client.SecretKey, "-", Count.ToString());

    private static byte[][] Message(int i)
    {
        int size = i % 100 == 7 ? 200 * 1024 : 10 + i % 90;
        var body = new byte[size];
        for (int k = 0; k < size; k++) body[k] = (byte)((i + k) % 256);
        return [Io.B(i.ToString()), body];
    }

    private static ZeraSocket Client(Scope scope, string serverKey, CurveKeyPair keys)
    {
        var s = scope.Make(SocketType.Pair);
        s.CurveServerKeyZ85 = serverKey;
        s.CurvePublicKeyZ85 = keys.PublicKey;
        s.CurveSecretKeyZ85 = keys.SecretKey;
        s.HeartbeatInterval = 25;
        s.HeartbeatTimeout = 1000;
        return s;
    }

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void ZeraClientToLibzmqServer(string transport)
    {
        using var peer = LibzmqServer(transport, "any");
        string endpoint = peer.WaitForLine("ENDPOINT");
        using var scope = new Scope();
        var pair = Client(scope, s_server.PublicKey, s_client);
        using var events = EventLog.Start(pair);
        pair.Connect(endpoint);
        for (int i = 0; i < Count; i++) Io.SendBytes(pair, Message(i));
        for (int i = 0; i < Count; i++) Assert.Equal(Message(i), Io.ReceiveBytes(pair));
        Assert.Null(pair.LastMessageProperties.UserId); // a client asks no handler
        Assert.Equal(s_client.PublicKey, peer.WaitForLine("USERID")); // libzmq's handler named us by our key
        Io.ExpectNothing(pair, TimeSpan.FromMilliseconds(300)); // heartbeats only, both ways, sealed
        // Checked before "bye": once it is echoed the peer closes, and that disconnect is expected.
        Assert.DoesNotContain(events.Seen, e => e.Kind == SocketEventKind.Disconnected);
        Io.Send(pair, "bye");
        Io.Expect(pair, "bye");
        Assert.Equal((Count + 1).ToString(), peer.WaitForLine("OK"));
    }

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public async Task LibzmqClientToZeraServer(string transport)
    {
        using var scope = new Scope();
        using var auth = new ZapAuthenticator(scope.Context);
        auth.AllowCurveKey(s_client.PublicKey);
        var pair = scope.Make(SocketType.Pair);
        pair.CurveServer = true;
        pair.CurvePublicKeyZ85 = s_server.PublicKey;
        pair.CurveSecretKeyZ85 = s_server.SecretKey;
        pair.HeartbeatInterval = 25;
        pair.HeartbeatTimeout = 1000;
        using var events = EventLog.Start(pair);
        string endpoint = Endpoints.Bind(pair, transport);
        using var peer = LibzmqClient(endpoint, s_client, s_server.PublicKey);
        var echo = Task.Run(() =>
        {
            for (int i = 0; i <= Count; i++)
            {
                var frames = Io.ReceiveBytes(pair);
                if (i == 0) Assert.Equal(s_client.PublicKey, pair.LastMessageProperties.UserId);
                // "bye" comes after the peer's pause, heartbeats only; once it is echoed the peer closes.
                if (i == Count) Assert.DoesNotContain(events.Seen, e => e.Kind == SocketEventKind.Disconnected);
                Io.SendBytes(pair, [.. frames]);
            }
        });
        Assert.Equal((Count + 1).ToString(), peer.WaitForLine("OK"));
        Assert.True(await Io.CompletesWithin(echo, Io.Long));
        await echo;
    }

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void ZeraClientExpectingAnotherServerKeyFailsAgainstLibzmq(string transport)
    {
        using var peer = LibzmqServer(transport, "none");
        string endpoint = peer.WaitForLine("ENDPOINT");
        using var scope = new Scope();
        var pair = Client(scope, Curve.GenerateKeyPair().PublicKey, s_client);
        pair.Connect(endpoint);
        Io.Send(pair, "must not arrive");
        Assert.Equal("protocol 0x11000001", peer.WaitForLine("FAIL")); // ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC
    }

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void LibzmqHandlerRefusesAnUnknownZeraKey(string transport)
    {
        using var peer = LibzmqServer(transport, "key");
        string endpoint = peer.WaitForLine("ENDPOINT");
        using var scope = new Scope();
        var pair = Client(scope, s_server.PublicKey, Curve.GenerateKeyPair());
        using var events = EventLog.Start(pair);
        pair.Connect(endpoint);
        Io.Send(pair, "must not arrive");
        Assert.Equal(400, events.WaitFor(SocketEventKind.HandshakeFailedAuth).Value);
        Assert.Equal("auth 400", peer.WaitForLine("FAIL"));
    }

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void ZeraHandlerRefusesAnUnknownLibzmqKey(string transport)
    {
        using var scope = new Scope();
        using var auth = new ZapAuthenticator(scope.Context);
        auth.AllowCurveKey(s_client.PublicKey);
        var pair = scope.Make(SocketType.Pair);
        pair.CurveServer = true;
        pair.CurvePublicKeyZ85 = s_server.PublicKey;
        pair.CurveSecretKeyZ85 = s_server.SecretKey;
        using var events = EventLog.Start(pair);
        string endpoint = Endpoints.Bind(pair, transport);
        using var peer = LibzmqClient(endpoint, Curve.GenerateKeyPair(), s_server.PublicKey);
        Assert.Equal(400, events.WaitFor(SocketEventKind.HandshakeFailedAuth).Value);
        Assert.Equal("auth 400", peer.WaitForLine("FAIL"));
        Io.ExpectNothing(pair, Io.Short);
    }
}
