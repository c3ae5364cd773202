using System.Buffers.Binary;
using System.Text;
using Zera.IntegrationTests.Support;
using Zera.IntegrationTests.Wire;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>
/// The socket monitor (zmq_socket_monitor, libzmq's test_monitor in Zera's words): events as an async sequence and on
/// an inproc PAIR in libzmq's two-frame format, filtered by a mask, ending with MONITOR_STOPPED.
/// </summary>
public class MonitorTests
{
    private static async Task<List<SocketEvent>> CollectUntil(IAsyncEnumerator<SocketEvent> events, SocketEventKind last)
    {
        var seen = new List<SocketEvent>();
        while (true)
        {
            var next = events.MoveNextAsync().AsTask();
            Assert.True(await Io.CompletesWithin(next, Io.Long), $"no {last} event; seen: {string.Join(", ", seen.Select(e => e.Kind))}");
            Assert.True(await next, $"the monitor ended before {last}; seen: {string.Join(", ", seen.Select(e => e.Kind))}");
            seen.Add(events.Current);
            if (events.Current.Kind == last) return seen;
        }
    }

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public async Task MonitorAsyncReportsBothSidesOfAConnection(string transport)
    {
        using var scope = new Scope();
        var server = scope.Make(SocketType.Rep);
        await using var serverEvents = server.MonitorAsync().GetAsyncEnumerator();
        var move = serverEvents.MoveNextAsync(); // registers the monitor before anything happens
        var ep = Endpoints.Bind(server, transport);
        Assert.True(await move);
        Assert.Equal(new SocketEvent(SocketEventKind.Listening, ep, 0, null), serverEvents.Current);

        var client = scope.Make(SocketType.Req);
        await using var clientEvents = client.MonitorAsync(SocketEventKind.All & ~SocketEventKind.ConnectDelayed).GetAsyncEnumerator();
        var clientMove = clientEvents.MoveNextAsync();
        client.Connect(ep);
        Assert.True(await clientMove);
        Assert.Equal(SocketEventKind.Connected, clientEvents.Current.Kind);
        Assert.Equal(ep, clientEvents.Current.Endpoint);
        await CollectUntil(clientEvents, SocketEventKind.HandshakeSucceeded);
        var serverSeen = await CollectUntil(serverEvents, SocketEventKind.HandshakeSucceeded);
        Assert.Contains(serverSeen, e => e.Kind == SocketEventKind.Accepted);

        client.Dispose(); // the client's monitor ends with MONITOR_STOPPED
        var stopped = await CollectUntil(clientEvents, SocketEventKind.MonitorStopped);
        Assert.DoesNotContain(stopped, e => e.Kind == SocketEventKind.ConnectDelayed); // masked out
        Assert.False(await clientEvents.MoveNextAsync(), "the sequence goes on after MONITOR_STOPPED");
        var gone = await CollectUntil(serverEvents, SocketEventKind.Disconnected);
        Assert.Equal(ep, gone[^1].Endpoint);
    }

    /// <summary>Malformed wire data is never silent: a foreign peer is a HANDSHAKE_FAILED_PROTOCOL with libzmq's
    /// ZMTP protocol-error value and the reason.</summary>
    [Fact]
    public async Task MalformedPeerIsAProtocolFailureWithItsReason()
    {
        using var scope = new Scope();
        var server = scope.Bound(SocketType.Pull, "tcp", out var ep);
        await using var events = server.MonitorAsync(SocketEventKind.HandshakeFailedProtocol).GetAsyncEnumerator();
        var move = events.MoveNextAsync();
        using var raw = RawZmtpClient.Connect(ep);
        raw.Send("GET / HTTP/1.1\r\n\r\n"u8);
        Assert.True(await Io.CompletesWithin(move.AsTask(), Io.Long), "no HANDSHAKE_FAILED_PROTOCOL event");
        Assert.True(await move);
        var failed = events.Current;
        Assert.Equal(SocketEventKind.HandshakeFailedProtocol, failed.Kind);
        Assert.Equal(0x10000000, failed.Value); // ZMQ_PROTOCOL_ERROR_ZMTP_UNSPECIFIED
        Assert.Contains("reserved", failed.Reason);
    }

    /// <summary>The inproc PAIR in libzmq's format: 16-bit event and 32-bit value (little-endian), then the endpoint;
    /// only the events of the mask; MONITOR_STOPPED last.</summary>
    [Fact]
    public void PairMonitorSpeaksLibzmqsFormat()
    {
        using var scope = new Scope();
        var server = scope.Make(SocketType.Pull);
        server.Monitor("inproc://monitor-pull", SocketEventKind.Listening | SocketEventKind.HandshakeSucceeded | SocketEventKind.MonitorStopped);
        var reader = scope.Make(SocketType.Pair);
        reader.Connect("inproc://monitor-pull");
        var ep = Endpoints.Bind(server, "tcp");
        var client = scope.Connected(SocketType.Push, ep);
        Io.Send(client, "hi");
        Io.Expect(server, "hi");

        (SocketEventKind Kind, int Value, string Endpoint) Next()
        {
            var frames = Io.ReceiveBytes(reader);
            Assert.Equal(2, frames.Count);
            Assert.Equal(6, frames[0].Length);
            return ((SocketEventKind)BinaryPrimitives.ReadUInt16LittleEndian(frames[0]), BinaryPrimitives.ReadInt32LittleEndian(frames[0].AsSpan(2)),
                Encoding.UTF8.GetString(frames[1]));
        }

        Assert.Equal((SocketEventKind.Listening, 0, ep), Next());
        Assert.Equal((SocketEventKind.HandshakeSucceeded, 0, ep), Next());
        server.Monitor(null); // stops it
        Assert.Equal(SocketEventKind.MonitorStopped, Next().Kind);
        Io.ExpectNothing(reader);
    }

    [Fact]
    public void MonitorEndpointMustBeInproc()
    {
        using var scope = new Scope();
        var s = scope.Make(SocketType.Pull);
        Assert.Equal("endpoint", Assert.Throws<ArgumentException>(() => s.Monitor("tcp://127.0.0.1:5999")).ParamName);
    }
}
