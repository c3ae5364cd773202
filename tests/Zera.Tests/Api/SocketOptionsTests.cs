using System.Reflection;

namespace Zera.Tests.Api;

/// <summary>Socket options: libzmq's defaults, range checks naming the option, type-specific options, routing ids.</summary>
public sealed class SocketOptionsTests : IDisposable
{
    private readonly Context _context = new();

    public void Dispose() => _context.Dispose();

    private static void Set(Socket socket, string option, object value)
    {
        var property = typeof(Socket).GetProperty(option) ?? throw new ArgumentException($"no option {option}");
        try
        {
            property.SetValue(socket, value);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    private static object? Get(Socket socket, string option) => typeof(Socket).GetProperty(option)!.GetValue(socket);

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
    }

    [Theory]
    [InlineData(nameof(Socket.SendHighWatermark), -1)]
    [InlineData(nameof(Socket.ReceiveHighWatermark), -1)]
    [InlineData(nameof(Socket.Linger), -2)]
    [InlineData(nameof(Socket.ReconnectInterval), -2)]
    [InlineData(nameof(Socket.ReconnectIntervalMax), -1)]
    [InlineData(nameof(Socket.SendTimeout), -2)]
    [InlineData(nameof(Socket.ReceiveTimeout), -2)]
    [InlineData(nameof(Socket.MaxMessageSize), -2L)]
    [InlineData(nameof(Socket.MaxMessageSize), long.MinValue)]
    [InlineData(nameof(Socket.Backlog), -1)]
    [InlineData(nameof(Socket.HeartbeatInterval), -1)]
    [InlineData(nameof(Socket.HeartbeatTtl), -1)]
    [InlineData(nameof(Socket.HeartbeatTtl), 6_553_600)]
    [InlineData(nameof(Socket.HeartbeatTimeout), -2)]
    [InlineData(nameof(Socket.HandshakeInterval), -1)]
    [InlineData(nameof(Socket.TcpKeepalive), -2)]
    [InlineData(nameof(Socket.TcpKeepalive), 2)]
    [InlineData(nameof(Socket.TcpKeepaliveCount), -2)]
    [InlineData(nameof(Socket.TcpKeepaliveIdle), -2)]
    [InlineData(nameof(Socket.TcpKeepaliveInterval), -2)]
    [InlineData(nameof(Socket.SendBuffer), -2)]
    [InlineData(nameof(Socket.ReceiveBuffer), -2)]
    [InlineData(nameof(Socket.SendHighWatermark), int.MinValue)]
    public void OutOfRangeValueIsAnInvalidArgumentNamingTheOption(string option, object value)
    {
        using var s = _context.CreateSocket(SocketType.Dealer);
        var before = Get(s, option);
        var e = Assert.Throws<ZeraException>(() => Set(s, option, value));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(option, e.ParamName);
        Assert.Contains(option, e.Message);
        Assert.Contains(value.ToString()!, e.Message); // says what was given
        Assert.Equal(before, Get(s, option)); // unchanged
    }

    [Theory]
    [InlineData(nameof(Socket.SendHighWatermark), 0)]
    [InlineData(nameof(Socket.ReceiveHighWatermark), 0)]
    [InlineData(nameof(Socket.SendHighWatermark), int.MaxValue)]
    [InlineData(nameof(Socket.Linger), -1)]
    [InlineData(nameof(Socket.Linger), 0)]
    [InlineData(nameof(Socket.ReconnectInterval), -1)]
    [InlineData(nameof(Socket.SendTimeout), 0)]
    [InlineData(nameof(Socket.ReceiveTimeout), -1)]
    [InlineData(nameof(Socket.MaxMessageSize), -1L)]
    [InlineData(nameof(Socket.MaxMessageSize), 0L)]
    [InlineData(nameof(Socket.MaxMessageSize), long.MaxValue)]
    [InlineData(nameof(Socket.HeartbeatTtl), 6_553_599)]
    [InlineData(nameof(Socket.HeartbeatTimeout), -1)]
    [InlineData(nameof(Socket.HandshakeInterval), 0)]
    [InlineData(nameof(Socket.TcpKeepalive), 1)]
    [InlineData(nameof(Socket.TcpKeepalive), 0)]
    public void BoundaryValuesAreAccepted(string option, object value)
    {
        using var s = _context.CreateSocket(SocketType.Dealer);
        Set(s, option, value);
        Assert.Equal(value, Get(s, option));
    }

    [Theory]
    [InlineData(SocketType.Push, nameof(Socket.RouterMandatory))]
    [InlineData(SocketType.Dealer, nameof(Socket.RouterMandatory))]
    [InlineData(SocketType.Dealer, nameof(Socket.RouterHandover))]
    [InlineData(SocketType.Dealer, nameof(Socket.ReqRelaxed))]
    [InlineData(SocketType.Router, nameof(Socket.ReqRelaxed))]
    [InlineData(SocketType.Rep, nameof(Socket.ReqCorrelate))]
    [InlineData(SocketType.Push, nameof(Socket.ProbeRouter))]
    [InlineData(SocketType.Pair, nameof(Socket.ProbeRouter))]
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
    [InlineData(SocketType.Router, nameof(Socket.RouterMandatory))]
    [InlineData(SocketType.Router, nameof(Socket.RouterHandover))]
    [InlineData(SocketType.Req, nameof(Socket.ReqRelaxed))]
    [InlineData(SocketType.Req, nameof(Socket.ReqCorrelate))]
    [InlineData(SocketType.Router, nameof(Socket.ProbeRouter))]
    [InlineData(SocketType.Dealer, nameof(Socket.ProbeRouter))]
    [InlineData(SocketType.Req, nameof(Socket.ProbeRouter))]
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
        var e = Assert.Throws<ZeraException>(() => s.RoutingId = id);
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(nameof(Socket.RoutingId), e.ParamName);
        Assert.Empty(s.RoutingId);

        using var router = _context.CreateSocket(SocketType.Router);
        var e2 = Assert.Throws<ZeraException>(() => router.ConnectRoutingId = id);
        Assert.Equal(nameof(Socket.ConnectRoutingId), e2.ParamName);
        Assert.Null(router.ConnectRoutingId);
    }

    [Fact]
    public void NullRoutingIdIsRefused()
    {
        using var s = _context.CreateSocket(SocketType.Dealer);
        var e = Assert.Throws<ZeraException>(() => s.RoutingId = null!);
        Assert.Equal(nameof(Socket.RoutingId), e.ParamName);
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
