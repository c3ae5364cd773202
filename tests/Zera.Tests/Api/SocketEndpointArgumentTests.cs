namespace Zera.Tests.Api;

/// <summary>Endpoint errors as a socket reports them (no network: every call here fails before any I/O, or uses inproc).</summary>
public sealed class SocketEndpointArgumentTests : IDisposable
{
    private readonly Context _context = new();

    public void Dispose() => _context.Dispose();

    [Theory]
    [InlineData("tcp://nohost", ErrorKind.InvalidArgument)]
    [InlineData("tcp://host:99999", ErrorKind.InvalidArgument)]
    [InlineData("ipc://", ErrorKind.InvalidArgument)]
    [InlineData("inproc://", ErrorKind.InvalidArgument)]
    [InlineData("foo://x", ErrorKind.ProtocolNotSupported)]
    public void BindAndConnectRefuseMalformedEndpoints(string endpoint, ErrorKind kind)
    {
        using var socket = _context.CreateSocket(SocketType.Dealer);
        var bind = Assert.Throws<ZeraException>(() => socket.Bind(endpoint));
        Assert.Equal(kind, bind.Kind);
        Assert.Equal("endpoint", bind.ParamName);
        var connect = Assert.Throws<ZeraException>(() => socket.Connect(endpoint));
        Assert.Equal(kind, connect.Kind);
        Assert.Equal("endpoint", connect.ParamName);
        Assert.Null(socket.LastEndpoint);
    }

    [Fact]
    public void ConnectNeedsARealPort()
    {
        using var socket = _context.CreateSocket(SocketType.Push);
        var e = Assert.Throws<ZeraException>(() => socket.Connect("tcp://localhost:*"));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
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
