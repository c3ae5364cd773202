using Zera.IntegrationTests.Behaviour;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Wire;

/// <summary>
/// Malformed PLAIN HELLOs sent over a raw TCP socket to a Zera PLAIN server: that connection is closed with
/// HANDSHAKE_FAILED_PROTOCOL and libzmq's value, the ZAP handler is never asked, and the server goes on serving
/// others.
/// </summary>
public class PlainHelloAbuseTests
{
    public static TheoryData<string, byte[], int> BadHellos => new()
    {
        { "empty command", [], 0x10000011 },                                          // MALFORMED_COMMAND_UNSPECIFIED
        { "name cut off", [5, .. "HEL"u8], 0x10000011 },
        { "no username", [5, .. "HELLO"u8], 0x10000013 },                             // MALFORMED_COMMAND_HELLO
        { "username cut off", [5, .. "HELLO"u8, 9, .. "ad"u8], 0x10000013 },
        { "no password", [5, .. "HELLO"u8, 1, .. "a"u8], 0x10000013 },
        { "password cut off", [5, .. "HELLO"u8, 1, .. "a"u8, 200, .. "pw"u8], 0x10000013 },
        { "bytes after the password", [5, .. "HELLO"u8, 1, .. "a"u8, 1, .. "p"u8, 0, 0, 0], 0x10000013 },
        { "not a HELLO", [8, .. "INITIATE"u8], 0x10000001 },                           // UNEXPECTED_COMMAND
    };

    [Theory]
    [MemberData(nameof(BadHellos))]
    public void MalformedHelloClosesThatConnectionOnly(string what, byte[] hello, int expected)
    {
        using var scope = new Scope();
        using var auth = new ZapAuthenticator(scope.Context);
        auth.AddPlainUser("u", "p");
        var server = scope.Make(SocketType.Pull);
        server.PlainServer = true;
        using var events = EventLog.Start(server);
        string endpoint = Endpoints.Bind(server, "tcp");

        using (var raw = RawZmtpClient.Connect(endpoint))
        {
            raw.Send([.. Zmtp.Greeting(mechanism: "PLAIN"), .. Zmtp.Frame(hello, command: true)]);
            Assert.True(raw.WaitUntilClosedByPeer(Io.Long), $"{what}: the connection stayed open");
        }
        Assert.Equal(expected, events.WaitFor(SocketEventKind.HandshakeFailedProtocol).Value);

        var client = scope.Make(SocketType.Push);
        client.PlainUsername = "u";
        client.PlainPassword = "p";
        client.Connect(endpoint);
        Io.Send(client, "still serving");
        Io.Expect(server, "still serving");
    }

    [Fact]
    public void AClientThatStaysSilentAfterTheGreetingTimesOut()
    {
        using var scope = new Scope();
        using var auth = new ZapAuthenticator(scope.Context);
        var server = scope.Make(SocketType.Pull);
        server.PlainServer = true;
        server.HandshakeInterval = 200;
        using var events = EventLog.Start(server);
        string endpoint = Endpoints.Bind(server, "tcp");
        using var raw = RawZmtpClient.Connect(endpoint);
        raw.Send(Zmtp.Greeting(mechanism: "PLAIN"));
        Assert.True(raw.WaitUntilClosedByPeer(Io.Long));
        events.WaitFor(SocketEventKind.HandshakeFailedNoDetail);
    }
}
