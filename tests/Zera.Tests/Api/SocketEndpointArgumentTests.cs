namespace Zera.Tests.Api;

/// <summary>Endpoint errors as a socket reports them (no network: every call here fails before any I/O, or uses inproc).</summary>
public sealed class SocketEndpointArgumentTests : IDisposable
{
    private readonly Context _context = new();

    public void Dispose() => _context.Dispose();

    [Theory]
    [InlineData("tcp://nohost")]
    [InlineData("tcp://host:99999")]
    [InlineData("ipc://")]
    [InlineData("inproc://")]
    public void BindAndConnectRefuseMalformedEndpoints(string endpoint)
    {
        using var socket = _context.CreateSocket(SocketType.Dealer);
        var bind = Assert.Throws<ArgumentException>(() => socket.Bind(endpoint));
        Assert.Equal("endpoint", bind.ParamName);
        var connect = Assert.Throws<ArgumentException>(() => socket.Connect(endpoint));
        Assert.Equal("endpoint", connect.ParamName);
        Assert.Null(socket.LastEndpoint);
    }

    /// <summary>An unknown transport is ZeroMQ's EPROTONOSUPPORT, not a malformed argument.</summary>
    [Fact]
    public void UnknownTransportIsProtocolNotSupported()
    {
        using var socket = _context.CreateSocket(SocketType.Dealer);
        var bind = Assert.Throws<ZeraException>(() => socket.Bind("foo://x"));
        Assert.Equal(ErrorKind.ProtocolNotSupported, bind.Kind);
        Assert.Equal("endpoint", bind.ParamName);
        var connect = Assert.Throws<ZeraException>(() => socket.Connect("foo://x"));
        Assert.Equal(ErrorKind.ProtocolNotSupported, connect.Kind);
        Assert.Null(socket.LastEndpoint);
    }

    [Fact]
    public void ConnectNeedsARealPort()
    {
        using var socket = _context.CreateSocket(SocketType.Push);
        var e = Assert.Throws<ArgumentException>(() => socket.Connect("tcp://localhost:*"));
        Assert.Equal("endpoint", e.ParamName);
        Assert.Contains("port", e.Message);
    }

    [Fact]
    public void UnbindAndDisconnectOfUnknownEndpointsAreAddressNotAvailable()
    {
        using var socket = _context.CreateSocket(SocketType.Pull);
        Assert.Equal(ErrorKind.AddressNotAvailable, Assert.Throws<ZeraException>(() => socket.Unbind("inproc://nowhere")).Kind);
        Assert.Equal(ErrorKind.AddressNotAvailable, Assert.Throws<ZeraException>(() => socket.Disconnect("inproc://nowhere")).Kind);
    }

    [Fact]
    public void InprocNameCanBeBoundOnlyOnce()
    {
        using var first = _context.CreateSocket(SocketType.Pull);
        using var second = _context.CreateSocket(SocketType.Pull);
        first.Bind("inproc://taken");
        Assert.Equal("inproc://taken", first.LastEndpoint);
        var e = Assert.Throws<ZeraException>(() => second.Bind("inproc://taken"));
        Assert.Equal(ErrorKind.AddressInUse, e.Kind);
    }

    [Fact]
    public void InprocConnectToAnIncompatibleTypeIsRefused()
    {
        using var pull = _context.CreateSocket(SocketType.Pull);
        using var pull2 = _context.CreateSocket(SocketType.Pull);
        pull.Bind("inproc://pulls");
        var e = Assert.Throws<ZeraException>(() => pull2.Connect("inproc://pulls"));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("PULL", e.Message);
    }
}
