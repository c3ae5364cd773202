using Zera.Transports;

namespace Zera.Tests.Transports;

/// <summary>Endpoint parsing: every malformed endpoint is refused with an error that names the problem.</summary>
public class EndpointTests
{
    private static ArgumentException Refused(string? text)
    {
        var e = Assert.Throws<ArgumentException>(() => Endpoint.Parse(text, "endpoint"));
        Assert.Equal("endpoint", e.ParamName);
        return e;
    }

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("localhost:5555", "transport://")]
    [InlineData("://host:5555", "transport://")]
    [InlineData("tcp://nohost", "port is missing")]
    [InlineData("tcp://[::1]", "port is missing")]
    [InlineData("tcp://:5555", "host is missing")]
    [InlineData("tcp://host:99999", "'99999' is not a port")]
    [InlineData("tcp://host:65536", "'65536' is not a port")]
    [InlineData("tcp://host:", "is not a port")]
    [InlineData("tcp://host:-1", "'-1' is not a port")]
    [InlineData("tcp://host:+80", "'+80' is not a port")]
    [InlineData("tcp://host:http", "'http' is not a port")]
    [InlineData("tcp://host:5555 ", "is not a port")]
    [InlineData("tcp://[::1:5555", "brackets")]
    [InlineData("tcp://::1]:5555", "brackets")]
    [InlineData("tcp://[]:5555", "host is missing")]
    [InlineData("ipc://", "ipc path is missing")]
    [InlineData("ipc://@", "abstract ipc name is missing")]
    [InlineData("inproc://", "inproc name is missing")]
    public void MalformedEndpointIsAnArgumentExceptionNamingTheProblem(string? text, string problem)
    {
        var e = Refused(text);
        Assert.Contains(problem, e.Message);
        if (!string.IsNullOrEmpty(text)) Assert.Contains(text, e.Message); // says which endpoint
    }

    [Fact]
    public void IpcPathLongerThanAUnixSocketAllowsIsRefused()
    {
        var e = Refused("ipc:///tmp/" + new string('x', 103)); // 108 bytes
        Assert.Contains("107", e.Message);
    }

    [Fact]
    public void IpcPathLengthIsCountedInUtf8Bytes()
    {
        Refused("ipc://" + new string('é', 54)); // 54 chars, 108 bytes
        Assert.Equal(TransportKind.Ipc, Endpoint.Parse("ipc://" + new string('é', 53) + "x", "endpoint").Transport);
    }

    [Fact]
    public void IpcPathOf107BytesIsAccepted()
    {
        string path = "/tmp/" + new string('x', 102);
        var ep = Endpoint.Parse("ipc://" + path, "endpoint");
        Assert.Equal(path, ep.Address);
    }

    [Fact]
    public void UnknownTransportIsProtocolNotSupported()
    {
        var e = Assert.Throws<ZeraException>(() => Endpoint.Parse("foo://x", "endpoint"));
        Assert.Equal(ErrorKind.ProtocolNotSupported, e.Kind);
        Assert.Contains("unknown transport 'foo'", e.Message);
    }

    [Theory]
    [InlineData("pgm://eth0;239.192.1.1:5555", "pgm")]
    [InlineData("epgm://eth0;239.192.1.1:5555", "epgm")]
    [InlineData("udp://127.0.0.1:5555", "udp")]
    [InlineData("ws://127.0.0.1:8080", "ws")]
    [InlineData("tipc://{5560,0,0}", "tipc")]
    public void KnownButUnsupportedTransportIsProtocolNotSupported(string text, string transport)
    {
        var e = Assert.Throws<ZeraException>(() => Endpoint.Parse(text, "endpoint"));
        Assert.Equal(ErrorKind.ProtocolNotSupported, e.Kind);
        Assert.Equal("endpoint", e.ParamName);
        Assert.Contains($"{transport} transport is not supported", e.Message);
    }

    [Fact]
    public void ParamNameIsTheCallersArgumentName()
    {
        var e = Assert.Throws<ArgumentException>(() => Endpoint.Parse("tcp://nohost", "address"));
        Assert.Equal("address", e.ParamName);
        Assert.Contains("(Parameter 'address')", e.Message);
    }

    [Theory]
    [InlineData("tcp://*:5555", "*", 5555)]
    [InlineData("tcp://127.0.0.1:0", "127.0.0.1", 0)]
    [InlineData("tcp://127.0.0.1:65535", "127.0.0.1", 65535)]
    [InlineData("tcp://[::1]:5555", "::1", 5555)]
    [InlineData("tcp://[::]:*", "::", 0)]
    [InlineData("tcp://localhost:*", "localhost", 0)]
    [InlineData("tcp://eth0:7000", "eth0", 7000)]
    public void ValidTcpEndpoints(string text, string host, int port)
    {
        var ep = Endpoint.Parse(text, "endpoint");
        Assert.Equal(TransportKind.Tcp, ep.Transport);
        Assert.Equal(host, ep.Address);
        Assert.Equal(port, ep.Port);
        Assert.Equal(text, ep.ToString());
    }

    [Theory]
    [InlineData("ipc://@name", "Ipc", "@name")]
    [InlineData("ipc:///tmp/zera.sock", "Ipc", "/tmp/zera.sock")]
    [InlineData("ipc://relative/feed", "Ipc", "relative/feed")]
    [InlineData("inproc://name", "Inproc", "name")]
    [InlineData("inproc://a/b:c", "Inproc", "a/b:c")]
    public void ValidIpcAndInprocEndpoints(string text, string kind, string address)
    {
        var ep = Endpoint.Parse(text, "endpoint");
        Assert.Equal(Enum.Parse<TransportKind>(kind), ep.Transport);
        Assert.Equal(address, ep.Address);
        Assert.Equal(0, ep.Port);
        Assert.Equal(text, ep.ToString());
    }
}
