using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour.Security;

/// <summary>
/// CURVE between Zera sockets (RFC 25/26; libzmq's test_security_curve, in Zera's words): a client that knows the
/// server's public key gets through, encrypted, with or without a ZAP handler; a client expecting another server key
/// fails the handshake with a cryptographic error; a ZAP handler refuses keys it does not know (400 on both sides);
/// CURVE against NULL is a mechanism mismatch; heartbeats and large frames travel sealed like everything else.
/// </summary>
public class CurveTests
{
    private const int Cryptographic = 0x11000001;
    private const int MechanismMismatch = 0x11000002;

    private static readonly CurveKeyPair s_server = Curve.GenerateKeyPair();
    private static readonly CurveKeyPair s_client = Curve.GenerateKeyPair();

    private static void MakeServer(ZeraSocket s, CurveKeyPair? keys = null)
    {
        keys ??= s_server;
        s.CurveServer = true;
        s.CurvePublicKeyZ85 = keys.PublicKey;
        s.CurveSecretKeyZ85 = keys.SecretKey;
    }

    private static void MakeClient(ZeraSocket s, string serverKey, CurveKeyPair? keys = null)
    {
        keys ??= s_client;
        s.CurveServerKeyZ85 = serverKey;
        s.CurvePublicKeyZ85 = keys.PublicKey;
        s.CurveSecretKeyZ85 = keys.SecretKey;
    }

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void RightKeysGetThroughWithoutAHandler(string transport)
    {
        using var scope = new Scope();
        var server = scope.Make(SocketType.Pull);
        MakeServer(server);
        string endpoint = Endpoints.Bind(server, transport);
        var client = scope.Make(SocketType.Push);
        MakeClient(client, s_server.PublicKey);
        client.Connect(endpoint);
        Io.Send(client, "hello", "", "curve");
        Io.Expect(server, "hello", "", "curve");
        Assert.Equal(SecurityMechanism.Curve, server.Mechanism);
        Assert.True(server.CurveServer);
        Assert.False(client.CurveServer);
        Assert.Null(server.LastMessageProperties.UserId); // no handler answered
        Assert.Equal("PUSH", server.LastMessageProperties.SocketType);
    }

    [Fact]
    public async Task AStreamArrivesWholeAndInOrder()
    {
        using var scope = new Scope();
        var server = scope.Make(SocketType.Pull);
        MakeServer(server);
        string endpoint = Endpoints.Bind(server, "tcp");
        var client = scope.Make(SocketType.Push);
        MakeClient(client, s_server.PublicKey);
        client.Connect(endpoint);
        const int count = 20_000;
        var sender = Task.Run(() =>
        {
            for (int i = 0; i < count; i++) client.Send(BitConverter.GetBytes(i));
        });
        for (int i = 0; i < count; i++)
        {
            var frames = Io.ReceiveBytes(server);
            Assert.Equal(i, BitConverter.ToInt32(Assert.Single(frames)));
        }
        Assert.True(await Io.CompletesWithin(sender, Io.Long));
    }

    [Fact]
    public void LargeFramesTravelSealed()
    {
        using var scope = new Scope();
        var server = scope.Make(SocketType.Pair);
        MakeServer(server);
        string endpoint = Endpoints.Bind(server, "tcp");
        var client = scope.Make(SocketType.Pair);
        MakeClient(client, s_server.PublicKey);
        client.Connect(endpoint);
        var big = new byte[3 * 1024 * 1024 + 17];
        Random.Shared.NextBytes(big);
        Io.SendBytes(client, [1, 2, 3], big);
        var got = Io.ReceiveBytes(server);
        Assert.Equal(2, got.Count);
        Assert.Equal(new byte[] { 1, 2, 3 }, got[0]);
        Assert.True(big.AsSpan().SequenceEqual(got[1]));
        Io.SendBytes(server, big);
        Assert.True(big.AsSpan().SequenceEqual(Assert.Single(Io.ReceiveBytes(client))));
    }

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void WrongServerKeyFailsTheHandshake(string transport)
    {
        using var scope = new Scope();
        var server = scope.Make(SocketType.Pull);
        MakeServer(server);
        using var serverEvents = EventLog.Start(server);
        string endpoint = Endpoints.Bind(server, transport);
        var client = scope.Make(SocketType.Push);
        MakeClient(client, Curve.GenerateKeyPair().PublicKey); // not the server's
        client.Connect(endpoint);
        Io.Send(client, "must not arrive");
        Assert.Equal(Cryptographic, serverEvents.WaitFor(SocketEventKind.HandshakeFailedProtocol).Value);
        Io.ExpectNothing(server);
        Assert.DoesNotContain(serverEvents.Seen, e => e.Kind == SocketEventKind.HandshakeSucceeded);
    }

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void TheHandlerLetsInOnlyTheKeysItKnows(string transport)
    {
        using var scope = new Scope();
        using var auth = new ZapAuthenticator(scope.Context);
        auth.AllowCurveKey(s_client.PublicKey);
        var server = scope.Make(SocketType.Pull);
        MakeServer(server);
        using var serverEvents = EventLog.Start(server);
        string endpoint = Endpoints.Bind(server, transport);

        var stranger = scope.Make(SocketType.Push);
        MakeClient(stranger, s_server.PublicKey, Curve.GenerateKeyPair());
        using var strangerEvents = EventLog.Start(stranger);
        stranger.Connect(endpoint);
        Io.Send(stranger, "must not arrive");
        Assert.Equal(400, serverEvents.WaitFor(SocketEventKind.HandshakeFailedAuth).Value);
        Assert.Equal(400, strangerEvents.WaitFor(SocketEventKind.HandshakeFailedAuth).Value);

        var known = scope.Make(SocketType.Push);
        MakeClient(known, s_server.PublicKey);
        known.Connect(endpoint);
        Io.Send(known, "welcome");
        Io.Expect(server, "welcome");
        Assert.Equal(s_client.PublicKey, server.LastMessageProperties.UserId); // the handler's User-Id: the key in Z85
        Io.ExpectNothing(server);
    }

    [Fact]
    public void CurveAgainstNullIsAMechanismMismatch()
    {
        using var scope = new Scope();
        var server = scope.Make(SocketType.Pull);
        MakeServer(server);
        using var serverEvents = EventLog.Start(server);
        string endpoint = Endpoints.Bind(server, "tcp");
        var client = scope.Make(SocketType.Push); // NULL
        using var clientEvents = EventLog.Start(client);
        client.Connect(endpoint);
        Assert.Equal(MechanismMismatch, serverEvents.WaitFor(SocketEventKind.HandshakeFailedProtocol).Value);
        Assert.Equal(MechanismMismatch, clientEvents.WaitFor(SocketEventKind.HandshakeFailedProtocol).Value);
    }

    [Fact]
    public void HeartbeatsKeepACurveConnectionAlive()
    {
        using var scope = new Scope();
        var rep = scope.Make(SocketType.Rep);
        MakeServer(rep);
        rep.HeartbeatInterval = 20;
        rep.HeartbeatTimeout = 200;
        using var repEvents = EventLog.Start(rep);
        string endpoint = Endpoints.Bind(rep, "tcp");
        var req = scope.Make(SocketType.Req);
        MakeClient(req, s_server.PublicKey);
        req.HeartbeatInterval = 20;
        req.HeartbeatTimeout = 200;
        req.Connect(endpoint);
        Io.Send(req, "first");
        Io.Expect(rep, "first");
        Io.Send(rep, "ok");
        Io.Expect(req, "ok");
        // Many PING/PONG rounds go by while nothing else does; a PING or PONG that did not open would end the
        // connection within the 200 ms timeout.
        Io.ExpectNothing(rep, TimeSpan.FromMilliseconds(800));
        Assert.DoesNotContain(repEvents.Seen, e => e.Kind == SocketEventKind.Disconnected);
        Io.Send(req, "second");
        Io.Expect(rep, "second");
    }

    [Fact]
    public void BindAndConnectRefuseCurveWithoutItsKeys()
    {
        using var scope = new Scope();
        var server = scope.Make(SocketType.Pull);
        server.CurveServer = true;
        server.CurvePublicKeyZ85 = s_server.PublicKey;
        var e = Assert.Throws<ZeraException>(() => server.Bind("tcp://127.0.0.1:0"));
        Assert.Equal(ErrorKind.InvalidState, e.Kind);
        Assert.Contains("CurveSecretKey", e.Message);
        var client = scope.Make(SocketType.Push);
        client.CurvePublicKeyZ85 = s_client.PublicKey;
        client.CurveSecretKeyZ85 = s_client.SecretKey;
        e = Assert.Throws<ZeraException>(() => client.Connect("tcp://127.0.0.1:5555"));
        Assert.Contains("CurveServerKey", e.Message);
        client.Connect("inproc://curve-not-needed"); // inproc has no mechanism
    }
}
