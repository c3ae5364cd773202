using System.Text;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour.Security;

/// <summary>
/// The ZAP client side of a connection (RFC 27; libzmq's test_security_zap and test_security_null, in Zera's words):
/// the request's frames exactly, the handler's answers (accept, refuse, temporary failure, garbage, none at all), and
/// libzmq's rules when no handler is bound.
/// </summary>
public class ZapTests
{
    private const string ZapEndpoint = "inproc://zeromq.zap.01";
    private const int EFault = 14;
    private const int ETimedOut = 110;

    /// <summary>A raw ROUTER handler: each request as the ROUTER gets it (routing id, delimiter, RFC 27 frames).</summary>
    private static ZeraSocket RawHandler(Scope scope)
    {
        var handler = scope.Make(SocketType.Router);
        handler.Bind(ZapEndpoint);
        return handler;
    }

    private static void Answer(ZeraSocket handler, List<byte[]> request, string status, string text = "", string userId = "", byte[]? metadata = null) =>
        Io.SendBytes(handler, request[0], [], Io.B("1.0"), request[3], Io.B(status), Io.B(text), Io.B(userId), metadata ?? []);

    private static (ZeraSocket Server, string Endpoint, EventLog Events) PlainServer(Scope scope, string transport = "tcp", Action<ZeraSocket>? configure = null)
    {
        var server = scope.Make(SocketType.Pull);
        server.PlainServer = true;
        configure?.Invoke(server);
        var events = EventLog.Start(server);
        return (server, Endpoints.Bind(server, transport), events);
    }

    private static ZeraSocket PlainClient(Scope scope, string endpoint, string user = "user", string password = "pass")
    {
        var client = scope.Make(SocketType.Push);
        client.PlainUsername = user;
        client.PlainPassword = password;
        client.Connect(endpoint);
        return client;
    }

    [Fact]
    public void PlainRequestFramesAreExactlyRfc27()
    {
        using var scope = new Scope();
        var handler = RawHandler(scope);
        var (server, endpoint, events) = PlainServer(scope, configure: s =>
        {
            s.ZapDomain = "global";
            s.RoutingId = Io.B("srv");
        });
        using var _ = events;
        var client = PlainClient(scope, endpoint, "admin", "s3cret");
        var request = Io.ReceiveBytes(handler);
        Assert.Equal(10, request.Count);
        Assert.Empty(request[1]);                                  // the delimiter a REQ peer would add
        Assert.Equal("1.0", Encoding.ASCII.GetString(request[2])); // version
        Assert.NotEmpty(request[3]);                               // request id
        Assert.Equal("global", Encoding.UTF8.GetString(request[4]));
        Assert.Equal("127.0.0.1", Encoding.UTF8.GetString(request[5]));
        Assert.Equal("srv", Encoding.UTF8.GetString(request[6]));  // the server socket's own routing id
        Assert.Equal("PLAIN", Encoding.ASCII.GetString(request[7]));
        Assert.Equal("admin", Encoding.UTF8.GetString(request[8]));
        Assert.Equal("s3cret", Encoding.UTF8.GetString(request[9]));
        Answer(handler, request, "200", "OK", "the-admin");
        Io.Send(client, "in");
        Io.Expect(server, "in");
        Assert.Equal("the-admin", server.LastMessageProperties.UserId);
    }

    [Fact]
    public void ZapMetadataReachesTheMessages()
    {
        using var scope = new Scope();
        var handler = RawHandler(scope);
        var (server, endpoint, events) = PlainServer(scope);
        using var _ = events;
        var client = PlainClient(scope, endpoint);
        var request = Io.ReceiveBytes(handler);
        // RFC 27 metadata: ZMTP's property format.
        byte[] metadata = [5, .. "Hello"u8, 0, 0, 0, 5, .. "World"u8];
        Answer(handler, request, "200", "OK", "u", metadata);
        Io.Send(client, "in");
        Io.Expect(server, "in");
        Assert.Equal("World", server.LastMessageProperties["hello"]);
    }

    [Theory]
    [InlineData("400")]
    [InlineData("500")]
    public void HandlerRefusalIsAnAuthFailureOnBothSides(string status)
    {
        using var scope = new Scope();
        var handler = RawHandler(scope);
        var (server, endpoint, events) = PlainServer(scope);
        using var _ = events;
        var client = scope.Make(SocketType.Push);
        client.PlainUsername = "u";
        client.PlainPassword = "p";
        using var clientEvents = EventLog.Start(client);
        client.Connect(endpoint);
        Io.Send(client, "must not arrive");
        Answer(handler, Io.ReceiveBytes(handler), status, "no");
        Assert.Equal(int.Parse(status), events.WaitFor(SocketEventKind.HandshakeFailedAuth).Value);
        Assert.Equal(int.Parse(status), clientEvents.WaitFor(SocketEventKind.HandshakeFailedAuth).Value);
        Io.ExpectNothing(server);
    }

    [Fact]
    public void TemporaryFailureClosesWithoutAnErrorCommand()
    {
        using var scope = new Scope();
        var handler = RawHandler(scope);
        var (server, endpoint, events) = PlainServer(scope);
        using var _ = events;
        var client = scope.Make(SocketType.Push);
        client.PlainUsername = "u";
        client.PlainPassword = "p";
        using var clientEvents = EventLog.Start(client);
        client.Connect(endpoint);
        Answer(handler, Io.ReceiveBytes(handler), "300", "later");
        Assert.Equal(300, events.WaitFor(SocketEventKind.HandshakeFailedAuth).Value);
        // No ERROR: the client sees only the connection end, not a refusal.
        var failed = clientEvents.WaitFor(SocketEventKind.HandshakeFailedNoDetail);
        Assert.DoesNotContain(clientEvents.Seen, e => e.Kind == SocketEventKind.HandshakeFailedAuth);
        Assert.NotEqual(0, failed.Value);
    }

    public static TheoryData<string, int> GarbageReplies => new()
    {
        { "short", 0x20000001 },      // ZAP_MALFORMED_REPLY
        { "version", 0x20000003 },    // ZAP_BAD_VERSION
        { "request-id", 0x20000002 }, // ZAP_BAD_REQUEST_ID
        { "status", 0x20000004 },     // ZAP_INVALID_STATUS_CODE
        { "metadata", 0x20000005 },   // ZAP_INVALID_METADATA
    };

    [Theory]
    [MemberData(nameof(GarbageReplies))]
    public void GarbageReplyFailsTheHandshakeWithLibzmqsValue(string broken, int expected)
    {
        using var scope = new Scope();
        var handler = RawHandler(scope);
        var (server, endpoint, events) = PlainServer(scope);
        using var _ = events;
        PlainClient(scope, endpoint);
        var r = Io.ReceiveBytes(handler);
        byte[][] reply = broken switch
        {
            "short" => [r[0], [], Io.B("1.0"), r[3], Io.B("200")],
            "version" => [r[0], [], Io.B("2.0"), r[3], Io.B("200"), [], [], []],
            "request-id" => [r[0], [], Io.B("1.0"), Io.B("not-mine"), Io.B("200"), [], [], []],
            "status" => [r[0], [], Io.B("1.0"), r[3], Io.B("201"), [], [], []],
            _ => [r[0], [], Io.B("1.0"), r[3], Io.B("200"), [], [], [9, 1, 2]],
        };
        Io.SendBytes(handler, reply);
        Assert.Equal(expected, events.WaitFor(SocketEventKind.HandshakeFailedProtocol).Value);
        Io.ExpectNothing(server, Io.Short);
    }

    [Fact]
    public void AHandlerThatNeverAnswersLeavesTheHandshakeToItsTimeout()
    {
        using var scope = new Scope();
        var handler = RawHandler(scope);
        var (server, endpoint, events) = PlainServer(scope, configure: s => s.HandshakeInterval = 300);
        using var _ = events;
        PlainClient(scope, endpoint);
        Io.ReceiveBytes(handler); // taken, never answered
        Assert.Equal(ETimedOut, events.WaitFor(SocketEventKind.HandshakeFailedNoDetail).Value);
        events.WaitFor(SocketEventKind.Disconnected);
    }

    [Fact]
    public void AHandlerIsAskedForEveryConnectionAndMatchedByRequestId()
    {
        using var scope = new Scope();
        var handler = RawHandler(scope);
        var (server, endpoint, events) = PlainServer(scope);
        using var _ = events;
        var a = PlainClient(scope, endpoint, "a", "1");
        var b = PlainClient(scope, endpoint, "b", "2");
        var first = Io.ReceiveBytes(handler);
        var second = Io.ReceiveBytes(handler);
        Assert.NotEqual(first[3], second[3]);
        // Answered in the other order: each reply reaches its own connection.
        Answer(handler, second, "200", "OK", Encoding.UTF8.GetString(second[8]));
        Answer(handler, first, "200", "OK", Encoding.UTF8.GetString(first[8]));
        Io.Send(a, "from a");
        Io.Send(b, "from b");
        var users = new Dictionary<string, string?>();
        for (int i = 0; i < 2; i++)
        {
            var text = Io.Receive(server)[0];
            users[text] = server.LastMessageProperties.UserId;
        }
        Assert.Equal("a", users["from a"]);
        Assert.Equal("b", users["from b"]);
    }

    [Fact]
    public void NullWithADomainAsksTheHandler()
    {
        using var scope = new Scope();
        var handler = RawHandler(scope);
        var server = scope.Make(SocketType.Pull);
        server.ZapDomain = "d";
        using var events = EventLog.Start(server);
        string endpoint = Endpoints.Bind(server, "tcp");
        var client = scope.Connected(SocketType.Push, endpoint);
        var request = Io.ReceiveBytes(handler);
        Assert.Equal(8, request.Count); // no credentials
        Assert.Equal("d", Encoding.UTF8.GetString(request[4]));
        Assert.Equal("NULL", Encoding.ASCII.GetString(request[7]));
        Answer(handler, request, "200", "OK", "anon");
        Io.Send(client, "in");
        Io.Expect(server, "in");
        Assert.Equal("anon", server.LastMessageProperties.UserId);
    }

    [Fact]
    public void NullWithADomainRefusedByTheHandler()
    {
        using var scope = new Scope();
        var handler = RawHandler(scope);
        var server = scope.Make(SocketType.Pull);
        server.ZapDomain = "d";
        using var events = EventLog.Start(server);
        string endpoint = Endpoints.Bind(server, "tcp");
        var client = scope.Make(SocketType.Push);
        using var clientEvents = EventLog.Start(client);
        client.Connect(endpoint);
        Io.Send(client, "must not arrive");
        Answer(handler, Io.ReceiveBytes(handler), "400", "no");
        Assert.Equal(400, events.WaitFor(SocketEventKind.HandshakeFailedAuth).Value);
        Assert.Equal(400, clientEvents.WaitFor(SocketEventKind.HandshakeFailedAuth).Value);
        Io.ExpectNothing(server);
    }

    [Fact]
    public void NullWithADomainAndNoHandlerIsAccepted()
    {
        using var scope = new Scope();
        var server = scope.Make(SocketType.Pull);
        server.ZapDomain = "d";
        string endpoint = Endpoints.Bind(server, "tcp");
        var client = scope.Connected(SocketType.Push, endpoint);
        Io.Send(client, "in");
        Io.Expect(server, "in");
        Assert.Null(server.LastMessageProperties.UserId); // no handler was asked
    }

    [Fact]
    public void ZapEnforceDomainWithNoHandlerRefuses()
    {
        using var scope = new Scope();
        var server = scope.Make(SocketType.Pull);
        server.ZapDomain = "d";
        server.ZapEnforceDomain = true;
        using var events = EventLog.Start(server);
        string endpoint = Endpoints.Bind(server, "tcp");
        var client = scope.Connected(SocketType.Push, endpoint);
        Io.Send(client, "must not arrive");
        Assert.Equal(EFault, events.WaitFor(SocketEventKind.HandshakeFailedNoDetail).Value);
        Io.ExpectNothing(server);
    }

    [Fact]
    public void NullWithoutADomainNeverAsks()
    {
        using var scope = new Scope();
        var handler = RawHandler(scope);
        var server = scope.Make(SocketType.Pull);
        string endpoint = Endpoints.Bind(server, "tcp");
        var client = scope.Connected(SocketType.Push, endpoint);
        Io.Send(client, "in");
        Io.Expect(server, "in");
        Io.ExpectNothing(handler, Io.Short);
    }

    [Fact]
    public void AHandlerThatGoesAwayUnansweredFailsTheHandshake()
    {
        using var scope = new Scope();
        var handler = RawHandler(scope);
        var (server, endpoint, events) = PlainServer(scope);
        using var _ = events;
        PlainClient(scope, endpoint);
        Io.ReceiveBytes(handler);
        handler.Dispose();
        Assert.Equal(EFault, events.WaitFor(SocketEventKind.HandshakeFailedNoDetail).Value);
    }

    [Fact]
    public void ARepHandlerWorksToo()
    {
        using var scope = new Scope();
        var handler = scope.Make(SocketType.Rep);
        handler.Bind(ZapEndpoint);
        var (server, endpoint, events) = PlainServer(scope);
        using var _ = events;
        var client = PlainClient(scope, endpoint, "rep-user", "x");
        var request = Io.ReceiveBytes(handler); // REP strips the envelope: RFC 27's frames from the version on
        Assert.Equal("1.0", Encoding.ASCII.GetString(request[0]));
        Assert.Equal("PLAIN", Encoding.ASCII.GetString(request[5]));
        Io.SendBytes(handler, Io.B("1.0"), request[1], Io.B("200"), Io.B("OK"), Io.B("rep-user"), []);
        Io.Send(client, "in");
        Io.Expect(server, "in");
        Assert.Equal("rep-user", server.LastMessageProperties.UserId);
    }
}
