using System.Text;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour.Security;

/// <summary>
/// Message metadata (zmq_msg_gets), read as <see cref="ZeraSocket.LastMessageProperties"/>: the sending peer's
/// Socket-Type, Identity, User-Id and Peer-Address, over tcp and ipc; none over inproc.
/// </summary>
public class MessagePropertiesTests
{
    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void EachPropertyOfTheSender(string transport)
    {
        using var scope = new Scope();
        using var auth = new ZapAuthenticator(scope.Context);
        auth.AddPlainUser("carol", "pw");
        var router = scope.Make(SocketType.Router);
        router.PlainServer = true;
        string endpoint = Endpoints.Bind(router, transport);
        var dealer = scope.Make(SocketType.Dealer);
        dealer.RoutingId = Io.B("dealer-1");
        dealer.PlainUsername = "carol";
        dealer.PlainPassword = "pw";
        dealer.Connect(endpoint);
        Io.Send(dealer, "hi");
        var message = Io.ReceiveBytes(router);
        Assert.Equal("dealer-1", Encoding.UTF8.GetString(message[0]));
        var properties = router.LastMessageProperties;
        Assert.Equal("DEALER", properties.SocketType);
        Assert.Equal("DEALER", properties["socket-type"]); // names are case-insensitive
        Assert.True(properties.TryGetBytes("Identity", out var identity));
        Assert.Equal("dealer-1", Encoding.UTF8.GetString(identity));
        Assert.Equal("dealer-1", properties["Routing-Id"]); // libzmq's name for the same property
        Assert.Equal("dealer-1", Encoding.UTF8.GetString(properties.RoutingId!));
        Assert.Equal("carol", properties.UserId);
        if (transport == "tcp")
        {
            Assert.Equal("127.0.0.1", properties.PeerAddress);
        }
        else if (OperatingSystem.IsLinux())
        {
            // ":uid:gid:pid" of the peer process: this one.
            var parts = properties.PeerAddress!.Split(':');
            Assert.Equal(4, parts.Length);
            Assert.Equal("", parts[0]);
            Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), parts[3]);
        }
        Assert.Null(properties["No-Such-Property"]);
        Assert.Contains(properties, p => p.Key == "User-Id" && p.Value == "carol");
    }

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void NullSecurityHasNoUserIdButTheRest(string transport)
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, transport, out var endpoint);
        var push = scope.Connected(SocketType.Push, endpoint);
        Io.Send(push, "x");
        Io.Expect(pull, "x");
        var properties = pull.LastMessageProperties;
        Assert.Equal("PUSH", properties.SocketType);
        Assert.Null(properties.UserId);
        Assert.NotNull(properties.PeerAddress);
    }

    [Fact]
    public void EachMessageCarriesItsOwnSendersProperties()
    {
        using var scope = new Scope();
        using var auth = new ZapAuthenticator(scope.Context);
        auth.AddPlainUser("a", "1");
        auth.AddPlainUser("b", "2");
        var pull = scope.Make(SocketType.Pull);
        pull.PlainServer = true;
        string endpoint = Endpoints.Bind(pull, "tcp");
        foreach (var (user, password) in new[] { ("a", "1"), ("b", "2") })
        {
            var push = scope.Make(SocketType.Push);
            push.PlainUsername = user;
            push.PlainPassword = password;
            push.Connect(endpoint);
            Io.Send(push, "from " + user);
        }
        for (int i = 0; i < 2; i++)
        {
            string text = Io.Receive(pull)[0];
            Assert.Equal(text[5..], pull.LastMessageProperties.UserId);
        }
    }

    [Fact]
    public void AReadinessCheckThatReadsAheadDoesNotMixUpPeers()
    {
        using var scope = new Scope();
        // A DEALER hearing from two DEALER peers, told apart by their routing ids (the second has none).
        var receiver = scope.Bound(SocketType.Dealer, "tcp", out var endpoint);
        var a = scope.Make(SocketType.Dealer);
        a.RoutingId = Io.B("peer-a");
        a.Connect(endpoint);
        var dealer = scope.Connected(SocketType.Dealer, endpoint);
        Io.Send(a, "from a");
        Io.Expect(receiver, "from a");
        Io.Send(dealer, "from dealer");
        Wait.Until(() => receiver.HasIn, "the second peer's message is read ahead");
        Assert.True(receiver.LastMessageProperties.TryGetBytes("Identity", out var id));
        Assert.Equal("peer-a", Encoding.UTF8.GetString(id)); // still the message received, not the one read ahead
        Io.Expect(receiver, "from dealer");
        Assert.True(receiver.LastMessageProperties.TryGetBytes("Identity", out id));
        Assert.Empty(id);
    }

    [Fact]
    public void InprocMessagesHaveNone()
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, "inproc", out var endpoint);
        Io.Send(scope.Connected(SocketType.Push, endpoint), "x");
        Io.Expect(pull, "x");
        Assert.Equal(0, pull.LastMessageProperties.Count);
        Assert.Same(MessageProperties.Empty, pull.LastMessageProperties);
    }
}
