using System.Reflection;

namespace Zera.Tests.Api;

/// <summary>Socket options: libzmq's defaults, range checks naming the option, type-specific options, routing ids.</summary>
public sealed class SocketOptionsTests : IDisposable
{
    private readonly Context _context = new();

    public void Dispose() => _context.Dispose();

    private static void Set(ZeraSocket socket, string option, object value)
    {
        var property = typeof(ZeraSocket).GetProperty(option) ?? throw new ArgumentException($"no option {option}");
        try
        {
            property.SetValue(socket, value);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    private static object? Get(ZeraSocket socket, string option) => typeof(ZeraSocket).GetProperty(option)!.GetValue(socket);

    [Fact]
    public void EveryOptionSetterRefusesADisposedSocket()
    {
        // libzmq answers ENOTSOCK for zmq_setsockopt on a closed socket; a setter that silently succeeded would hide
        // a use-after-close. Every settable property, on every type, set to the value it reads back.
        var setters = typeof(ZeraSocket).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true }).ToArray();
        Assert.True(setters.Length > 40, $"only {setters.Length} settable options found");
        foreach (var type in Enum.GetValues<SocketType>())
        {
            var socket = _context.CreateSocket(type);
            socket.Dispose();
            foreach (var p in setters)
            {
                var value = p.GetValue(socket);
                var e = Assert.Throws<ObjectDisposedException>(() => Set(socket, p.Name, value!));
                Assert.Contains("disposed", e.Message);
            }
        }
    }

    [Fact]
    public void DefaultsAreLibzmqs()
    {
        using var s = _context.CreateSocket(SocketType.Dealer);
        Assert.Equal(1000, s.SendHighWatermark);
        Assert.Equal(1000, s.ReceiveHighWatermark);
        Assert.Equal(-1, s.Linger);
        Assert.Equal(100, s.ReconnectInterval);
        Assert.Equal(0, s.ReconnectIntervalMax);
        Assert.Equal(-1, s.SendTimeout);
        Assert.Equal(-1, s.ReceiveTimeout);
        Assert.Equal(-1L, s.MaxMessageSize);
        Assert.Equal(100, s.Backlog);
        Assert.Equal(30_000, s.HandshakeInterval);
        Assert.Equal(0, s.HeartbeatInterval);
        Assert.Equal(0, s.HeartbeatTtl);
        Assert.Equal(-1, s.HeartbeatTimeout);
        Assert.Equal(-1, s.TcpKeepalive);
        Assert.Equal(-1, s.TcpKeepaliveCount);
        Assert.Equal(-1, s.TcpKeepaliveIdle);
        Assert.Equal(-1, s.TcpKeepaliveInterval);
        Assert.Equal(-1, s.SendBuffer);
        Assert.Equal(-1, s.ReceiveBuffer);
        Assert.False(s.Immediate);
        Assert.False(s.IPv6);
        Assert.False(s.ProbeRouter);
        Assert.False(s.Conflate);
        Assert.Empty(s.RoutingId);
        Assert.Null(s.ConnectRoutingId);
        Assert.Null(s.LastEndpoint);
        Assert.False(s.ReceiveMore);
        Assert.Equal(SocketType.Dealer, s.Type);
        Assert.Same(_context, s.Context);
    }

    [Fact]
    public void TypeSpecificDefaultsAreOff()
    {
        using var router = _context.CreateSocket(SocketType.Router);
        Assert.False(router.RouterMandatory);
        Assert.False(router.RouterHandover);
        using var req = _context.CreateSocket(SocketType.Req);
        Assert.False(req.ReqRelaxed);
        Assert.False(req.ReqCorrelate);
        using var xpub = _context.CreateSocket(SocketType.XPub);
        Assert.False(xpub.OnlyFirstSubscribe);
        using var xsub = _context.CreateSocket(SocketType.XSub);
        Assert.False(xsub.OnlyFirstSubscribe);
    }

    [Theory]
    [InlineData(nameof(ZeraSocket.SendHighWatermark), -1)]
    [InlineData(nameof(ZeraSocket.ReceiveHighWatermark), -1)]
    [InlineData(nameof(ZeraSocket.Linger), -2)]
    [InlineData(nameof(ZeraSocket.ReconnectInterval), -2)]
    [InlineData(nameof(ZeraSocket.ReconnectIntervalMax), -1)]
    [InlineData(nameof(ZeraSocket.SendTimeout), -2)]
    [InlineData(nameof(ZeraSocket.ReceiveTimeout), -2)]
    [InlineData(nameof(ZeraSocket.MaxMessageSize), -2L)]
    [InlineData(nameof(ZeraSocket.MaxMessageSize), long.MinValue)]
    [InlineData(nameof(ZeraSocket.Backlog), -1)]
    [InlineData(nameof(ZeraSocket.HeartbeatInterval), -1)]
    [InlineData(nameof(ZeraSocket.HeartbeatTtl), -1)]
    [InlineData(nameof(ZeraSocket.HeartbeatTtl), 6_553_600)]
    [InlineData(nameof(ZeraSocket.HeartbeatTimeout), -2)]
    [InlineData(nameof(ZeraSocket.HandshakeInterval), -1)]
    [InlineData(nameof(ZeraSocket.TcpKeepalive), -2)]
    [InlineData(nameof(ZeraSocket.TcpKeepalive), 2)]
    [InlineData(nameof(ZeraSocket.TcpKeepaliveCount), -2)]
    [InlineData(nameof(ZeraSocket.TcpKeepaliveIdle), -2)]
    [InlineData(nameof(ZeraSocket.TcpKeepaliveInterval), -2)]
    [InlineData(nameof(ZeraSocket.SendBuffer), -2)]
    [InlineData(nameof(ZeraSocket.ReceiveBuffer), -2)]
    [InlineData(nameof(ZeraSocket.SendHighWatermark), int.MinValue)]
    public void OutOfRangeValueIsAnArgumentOutOfRangeNamingTheOption(string option, object value)
    {
        using var s = _context.CreateSocket(SocketType.Dealer);
        var before = Get(s, option);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Set(s, option, value));
        Assert.Equal(option, e.ParamName);
        Assert.Contains(option, e.Message);
        Assert.Contains(value.ToString()!, e.Message); // says what was given
        Assert.Equal(before, Get(s, option)); // unchanged
    }

    [Theory]
    [InlineData(nameof(ZeraSocket.SendHighWatermark), 0)]
    [InlineData(nameof(ZeraSocket.ReceiveHighWatermark), 0)]
    [InlineData(nameof(ZeraSocket.SendHighWatermark), int.MaxValue)]
    [InlineData(nameof(ZeraSocket.Linger), -1)]
    [InlineData(nameof(ZeraSocket.Linger), 0)]
    [InlineData(nameof(ZeraSocket.ReconnectInterval), -1)]
    [InlineData(nameof(ZeraSocket.SendTimeout), 0)]
    [InlineData(nameof(ZeraSocket.ReceiveTimeout), -1)]
    [InlineData(nameof(ZeraSocket.MaxMessageSize), -1L)]
    [InlineData(nameof(ZeraSocket.MaxMessageSize), 0L)]
    [InlineData(nameof(ZeraSocket.MaxMessageSize), long.MaxValue)]
    [InlineData(nameof(ZeraSocket.HeartbeatTtl), 6_553_599)]
    [InlineData(nameof(ZeraSocket.HeartbeatTimeout), -1)]
    [InlineData(nameof(ZeraSocket.HandshakeInterval), 0)]
    [InlineData(nameof(ZeraSocket.TcpKeepalive), 1)]
    [InlineData(nameof(ZeraSocket.TcpKeepalive), 0)]
    public void BoundaryValuesAreAccepted(string option, object value)
    {
        using var s = _context.CreateSocket(SocketType.Dealer);
        Set(s, option, value);
        Assert.Equal(value, Get(s, option));
    }

    [Theory]
    [InlineData(SocketType.Push, nameof(ZeraSocket.RouterMandatory))]
    [InlineData(SocketType.Dealer, nameof(ZeraSocket.RouterMandatory))]
    [InlineData(SocketType.Dealer, nameof(ZeraSocket.RouterHandover))]
    [InlineData(SocketType.Dealer, nameof(ZeraSocket.ReqRelaxed))]
    [InlineData(SocketType.Router, nameof(ZeraSocket.ReqRelaxed))]
    [InlineData(SocketType.Rep, nameof(ZeraSocket.ReqCorrelate))]
    [InlineData(SocketType.Push, nameof(ZeraSocket.ProbeRouter))]
    [InlineData(SocketType.Pair, nameof(ZeraSocket.ProbeRouter))]
    [InlineData(SocketType.Pair, nameof(ZeraSocket.Conflate))] // libzmq's list: PULL, PUSH, SUB, PUB, DEALER
    [InlineData(SocketType.Req, nameof(ZeraSocket.Conflate))]
    [InlineData(SocketType.Rep, nameof(ZeraSocket.Conflate))]
    [InlineData(SocketType.Router, nameof(ZeraSocket.Conflate))]
    [InlineData(SocketType.XPub, nameof(ZeraSocket.Conflate))]
    [InlineData(SocketType.XSub, nameof(ZeraSocket.Conflate))]
    [InlineData(SocketType.Pub, nameof(ZeraSocket.OnlyFirstSubscribe))]
    [InlineData(SocketType.Sub, nameof(ZeraSocket.OnlyFirstSubscribe))]
    [InlineData(SocketType.Dealer, nameof(ZeraSocket.OnlyFirstSubscribe))]
    public void TypeSpecificOptionIsRefusedOnOtherTypes(SocketType type, string option)
    {
        using var s = _context.CreateSocket(type);
        var e = Assert.Throws<ZeraException>(() => Set(s, option, true));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(option, e.ParamName);
        Assert.Contains(Zera.Protocol.SocketTypes.Name(type), e.Message); // says why: the socket's type
        Assert.Equal(false, Get(s, option));
    }

    [Theory]
    [InlineData(SocketType.Router, nameof(ZeraSocket.RouterMandatory))]
    [InlineData(SocketType.Router, nameof(ZeraSocket.RouterHandover))]
    [InlineData(SocketType.Req, nameof(ZeraSocket.ReqRelaxed))]
    [InlineData(SocketType.Req, nameof(ZeraSocket.ReqCorrelate))]
    [InlineData(SocketType.Router, nameof(ZeraSocket.ProbeRouter))]
    [InlineData(SocketType.Dealer, nameof(ZeraSocket.ProbeRouter))]
    [InlineData(SocketType.Req, nameof(ZeraSocket.ProbeRouter))]
    [InlineData(SocketType.Pull, nameof(ZeraSocket.Conflate))]
    [InlineData(SocketType.Push, nameof(ZeraSocket.Conflate))]
    [InlineData(SocketType.Sub, nameof(ZeraSocket.Conflate))]
    [InlineData(SocketType.Pub, nameof(ZeraSocket.Conflate))]
    [InlineData(SocketType.Dealer, nameof(ZeraSocket.Conflate))]
    [InlineData(SocketType.XPub, nameof(ZeraSocket.OnlyFirstSubscribe))]
    [InlineData(SocketType.XSub, nameof(ZeraSocket.OnlyFirstSubscribe))]
    public void TypeSpecificOptionIsAcceptedOnItsTypes(SocketType type, string option)
    {
        using var s = _context.CreateSocket(type);
        Set(s, option, true);
        Assert.Equal(true, Get(s, option));
    }

    public static TheoryData<byte[]> BadRoutingIds => new()
    {
        Array.Empty<byte>(),
        new byte[256],
        Enumerable.Repeat((byte)1, 256).ToArray(),
        new byte[] { 0 },
        new byte[] { 0, 1, 2 },
    };

    [Theory]
    [MemberData(nameof(BadRoutingIds))]
    public void RoutingIdMustBe1To255BytesNotStartingWithZero(byte[] id)
    {
        using var s = _context.CreateSocket(SocketType.Dealer);
        var e = Assert.ThrowsAny<ArgumentException>(() => s.RoutingId = id);
        Assert.Equal(nameof(ZeraSocket.RoutingId), e.ParamName);
        Assert.Empty(s.RoutingId);

        using var router = _context.CreateSocket(SocketType.Router);
        var e2 = Assert.ThrowsAny<ArgumentException>(() => router.ConnectRoutingId = id);
        Assert.Equal(nameof(ZeraSocket.ConnectRoutingId), e2.ParamName);
        Assert.Null(router.ConnectRoutingId);
    }

    [Fact]
    public void NullRoutingIdIsRefused()
    {
        using var s = _context.CreateSocket(SocketType.Dealer);
        var e = Assert.Throws<ArgumentNullException>(() => s.RoutingId = null!);
        Assert.Equal(nameof(ZeraSocket.RoutingId), e.ParamName);
    }

    [Fact]
    public void ValidRoutingIdsAreAccepted()
    {
        using var s = _context.CreateSocket(SocketType.Dealer);
        s.RoutingId = [1];
        Assert.Equal(new byte[] { 1 }, s.RoutingId);
        var longest = Enumerable.Repeat((byte)0xFF, 255).ToArray();
        s.RoutingId = longest;
        Assert.Equal(longest, s.RoutingId);
        s.RoutingId = [0x41, 0x00]; // a zero byte is only reserved in first position
        Assert.Equal(new byte[] { 0x41, 0x00 }, s.RoutingId);
    }

    [Fact]
    public void RoutingIdIsCopiedInAndOut()
    {
        using var s = _context.CreateSocket(SocketType.Dealer);
        byte[] id = [1, 2, 3];
        s.RoutingId = id;
        id[0] = 9;
        Assert.Equal(new byte[] { 1, 2, 3 }, s.RoutingId);
        s.RoutingId[1] = 9;
        Assert.Equal(new byte[] { 1, 2, 3 }, s.RoutingId);
    }

    [Fact]
    public void ConnectRoutingIdCanBeCleared()
    {
        using var router = _context.CreateSocket(SocketType.Router);
        router.ConnectRoutingId = [7];
        Assert.Equal(new byte[] { 7 }, router.ConnectRoutingId);
        router.ConnectRoutingId = null;
        Assert.Null(router.ConnectRoutingId);
    }
}
