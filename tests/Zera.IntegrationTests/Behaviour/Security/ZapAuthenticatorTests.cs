using System.Net;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour.Security;

/// <summary>
/// <see cref="ZapAuthenticator"/>, the ready-made ZAP handler (pyzmq's zmq.auth rules): address allow and deny
/// lists, PLAIN users, CURVE keys from certificate files, its lifetime in a context.
/// </summary>
public class ZapAuthenticatorTests
{
    private static (ZeraSocket Server, string Endpoint, EventLog Events) NullServer(Scope scope)
    {
        var server = scope.Make(SocketType.Pull);
        server.ZapDomain = "test"; // NULL asks the handler only with a domain
        var events = EventLog.Start(server);
        return (server, Endpoints.Bind(server, "tcp"), events);
    }

    [Fact]
    public void AnAllowedAddressGetsThrough()
    {
        using var scope = new Scope();
        using var auth = new ZapAuthenticator(scope.Context);
        auth.Allow(IPAddress.Loopback);
        var (server, endpoint, events) = NullServer(scope);
        using var _ = events;
        Io.Send(scope.Connected(SocketType.Push, endpoint), "in");
        Io.Expect(server, "in");
        Assert.Equal("anonymous", server.LastMessageProperties.UserId);
    }

    [Fact]
    public void AnAllowListRefusesEveryOtherAddress()
    {
        using var scope = new Scope();
        using var auth = new ZapAuthenticator(scope.Context);
        auth.Allow("192.0.2.1");
        var (server, endpoint, events) = NullServer(scope);
        using var _ = events;
        Io.Send(scope.Connected(SocketType.Push, endpoint), "must not arrive");
        Assert.Equal(400, events.WaitFor(SocketEventKind.HandshakeFailedAuth).Value);
        Io.ExpectNothing(server);
    }

    [Fact]
    public void ADeniedAddressIsRefused()
    {
        using var scope = new Scope();
        using var auth = new ZapAuthenticator(scope.Context);
        auth.Deny("127.0.0.1");
        var (server, endpoint, events) = NullServer(scope);
        using var _ = events;
        Io.Send(scope.Connected(SocketType.Push, endpoint), "must not arrive");
        Assert.Equal(400, events.WaitFor(SocketEventKind.HandshakeFailedAuth).Value);
        Io.ExpectNothing(server);
    }

    [Fact]
    public void TheAllowListWinsOverTheDenyList()
    {
        using var scope = new Scope();
        using var auth = new ZapAuthenticator(scope.Context);
        auth.Deny("127.0.0.1");
        auth.Allow("127.0.0.1");
        var (server, endpoint, events) = NullServer(scope);
        using var _ = events;
        Io.Send(scope.Connected(SocketType.Push, endpoint), "in");
        Io.Expect(server, "in");
    }

    [Fact]
    public void PlainStillNeedsThePasswordFromAnAllowedAddress()
    {
        using var scope = new Scope();
        using var auth = new ZapAuthenticator(scope.Context);
        auth.Allow("127.0.0.1");
        auth.AddPlainUser("u", "right");
        var server = scope.Make(SocketType.Pull);
        server.PlainServer = true;
        using var events = EventLog.Start(server);
        string endpoint = Endpoints.Bind(server, "tcp");
        var client = scope.Make(SocketType.Push);
        client.PlainUsername = "u";
        client.PlainPassword = "wrong";
        client.Connect(endpoint);
        Assert.Equal(400, events.WaitFor(SocketEventKind.HandshakeFailedAuth).Value);
    }

    [Fact]
    public void PlainWithNoUsersRefuses()
    {
        using var scope = new Scope();
        using var auth = new ZapAuthenticator(scope.Context);
        var server = scope.Make(SocketType.Pull);
        server.PlainServer = true;
        using var events = EventLog.Start(server);
        string endpoint = Endpoints.Bind(server, "ipc");
        var client = scope.Make(SocketType.Push);
        client.PlainUsername = "u";
        client.PlainPassword = "p";
        client.Connect(endpoint);
        var refused = events.WaitFor(SocketEventKind.HandshakeFailedAuth);
        Assert.Equal(400, refused.Value);
        Assert.Contains("No passwords defined", refused.Reason);
    }

    [Fact]
    public void OnlyOneHandlerPerContext()
    {
        using var scope = new Scope();
        using var auth = new ZapAuthenticator(scope.Context);
        var e = Assert.Throws<ZeraException>(() => new ZapAuthenticator(scope.Context));
        Assert.Equal(ErrorKind.AddressInUse, e.Kind);
    }

    [Fact]
    public void DisposeUnbindsSoAnotherCanTakeItsPlace()
    {
        using var scope = new Scope();
        new ZapAuthenticator(scope.Context).Dispose();
        using var again = new ZapAuthenticator(scope.Context);
        again.AddPlainUser("u", "p");
        var server = scope.Make(SocketType.Pull);
        server.PlainServer = true;
        string endpoint = Endpoints.Bind(server, "tcp");
        var client = scope.Make(SocketType.Push);
        client.PlainUsername = "u";
        client.PlainPassword = "p";
        client.Connect(endpoint);
        Io.Send(client, "in");
        Io.Expect(server, "in");
    }

    [Fact]
    public void ContextDisposalStopsAnAuthenticatorLeftRunning()
    {
        var context = new Context();
        var auth = new ZapAuthenticator(context);
        Io.Terminate(context); // fails the test if the authenticator's socket kept the context open
        auth.Dispose();
    }

    [Fact]
    public void CurveKeysAreReadFromCertificateFiles()
    {
        string folder = Directory.CreateTempSubdirectory("zera-certs-").FullName;
        try
        {
            // czmq's public certificate format; the .key_secret file is not read.
            File.WriteAllText(Path.Combine(folder, "client.key"),
                "#   ****  Generated by CZMQ  ****\nmetadata\ncurve\n    public-key = \"Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID\"\n");
            File.WriteAllText(Path.Combine(folder, "client.key_secret"),
                "curve\n    public-key = \"Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID\"\n    secret-key = \"D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs\"\n");
            using var scope = new Scope();
            using var auth = new ZapAuthenticator(scope.Context);
            Assert.Equal(1, auth.AllowCurveKeysFrom(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void BadKeysAreRefusedNamingTheArgument()
    {
        using var scope = new Scope();
        using var auth = new ZapAuthenticator(scope.Context);
        Assert.Equal("z85PublicKey", Assert.Throws<ArgumentException>(() => auth.AllowCurveKey("short")).ParamName);
        Assert.Equal("publicKey", Assert.Throws<ArgumentException>(() => auth.AllowCurveKey(new byte[31])).ParamName);
        auth.AllowCurveKey(new byte[32]);
        auth.AllowCurveKey("Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID");
    }
}
