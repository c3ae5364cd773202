using System.Collections.Concurrent;
using Zera.IntegrationTests.Support;
using Zera.IntegrationTests.Wire;
using Zera.Protocol;
using Zera.Transports;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>
/// Every connection event reaches the socket's one event sink (what the monitor will be built on): binding,
/// accepting, connecting and retrying, handshakes that succeed or fail, and each way a connection ends, named.
/// </summary>
public class ConnectionEventTests
{
    /// <summary>Collects a socket's events as they happen, on any thread.</summary>
    private sealed class Recorder : IConnectionEventSink
    {
        private readonly ConcurrentQueue<ConnectionEvent> _events = new();

        public void OnEvent(in ConnectionEvent e) => _events.Enqueue(e);

        public ConnectionEvent WaitFor(SocketEventKind kind, Func<ConnectionEvent, bool>? match = null)
        {
            ConnectionEvent found = default;
            Wait.Until(() =>
            {
                foreach (var e in _events)
                {
                    if (e.Kind == kind && (match == null || match(e)))
                    {
                        found = e;
                        return true;
                    }
                }
                return false;
            }, $"a {kind} event (seen: {string.Join(", ", _events.Select(e => e.Kind))})");
            return found;
        }

        public List<SocketEventKind> Kinds => [.. _events.Select(e => e.Kind)];
    }

    private static Recorder Record(ZeraSocket socket)
    {
        var r = new Recorder();
        socket.AddEventSink(r);
        return r;
    }

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void HandshakeOnBothSidesIsReported(string transport)
    {
        using var scope = new Scope();
        var server = scope.Make(SocketType.Pull);
        var serverEvents = Record(server);
        var ep = Endpoints.Bind(server, transport);
        var listening = serverEvents.WaitFor(SocketEventKind.Listening);
        Assert.Equal(ep, listening.Endpoint);

        var client = scope.Make(SocketType.Push);
        var clientEvents = Record(client);
        client.Connect(ep);
        Io.Send(client, "hello");
        Io.Expect(server, "hello");
        clientEvents.WaitFor(SocketEventKind.HandshakeSucceeded);
        serverEvents.WaitFor(SocketEventKind.Accepted);
        serverEvents.WaitFor(SocketEventKind.HandshakeSucceeded);
        var kinds = clientEvents.Kinds;
        Assert.True(kinds.IndexOf(SocketEventKind.ConnectDelayed) < kinds.IndexOf(SocketEventKind.Connected)
            && kinds.IndexOf(SocketEventKind.Connected) < kinds.IndexOf(SocketEventKind.HandshakeSucceeded),
            $"client events out of order: {string.Join(", ", kinds)}");
        Assert.Equal(ep, clientEvents.WaitFor(SocketEventKind.Connected).Endpoint);
    }

    [Fact]
    public void PeerClosingIsADisconnectWithItsReasonAndOurCloseIsClosed()
    {
        // Which side's end is seen first is a race: repeated so that a wrong name for either would show.
        for (int run = 0; run < 10; run++)
        {
            using var scope = new Scope();
            var server = scope.Bound(SocketType.Pull, "tcp", out var ep);
            var serverEvents = Record(server);
            var client = scope.MakeLingering(SocketType.Push); // closes gracefully (LINGER 0 would reset: Broken)
            var clientEvents = Record(client);
            client.Connect(ep);
            Io.Send(client, "x");
            Io.Expect(server, "x");
            client.Dispose();
            var gone = serverEvents.WaitFor(SocketEventKind.Disconnected);
            Assert.Equal(ConnectionEnd.PeerClosed, gone.End);
            var closed = clientEvents.WaitFor(SocketEventKind.Closed);
            Assert.Equal(ConnectionEnd.Closed, closed.End);
        }
    }

    [Fact]
    public void IncompatiblePeerIsAProtocolHandshakeFailureOnBothSides()
    {
        using var scope = new Scope();
        var server = scope.Bound(SocketType.Pull, "tcp", out var ep);
        var serverEvents = Record(server);
        var client = scope.Make(SocketType.Pull); // PULL cannot talk to PULL
        var clientEvents = Record(client);
        client.Connect(ep);
        var refused = serverEvents.WaitFor(SocketEventKind.HandshakeFailedProtocol);
        Assert.Equal(ConnectionEnd.Refused, refused.End);
        Assert.Contains("PULL", refused.Reason);
        var told = clientEvents.WaitFor(SocketEventKind.HandshakeFailedProtocol);
        Assert.True(told.End is ConnectionEnd.Refused or ConnectionEnd.PeerRefused, $"client saw {told.End}");
        serverEvents.WaitFor(SocketEventKind.Disconnected, e => e.End == ConnectionEnd.Refused);
    }

    [Fact]
    public void GarbageAfterTheHandshakeIsAMalformedDisconnect()
    {
        using var scope = new Scope();
        var server = scope.Bound(SocketType.Pull, "tcp", out var ep);
        var events = Record(server);
        using var raw = RawZmtpClient.Connect(ep);
        raw.Handshake("PUSH");
        events.WaitFor(SocketEventKind.HandshakeSucceeded);
        raw.Send([0xF0, 0x01, 0x00]); // reserved flag bits
        var gone = events.WaitFor(SocketEventKind.Disconnected);
        Assert.Equal(ConnectionEnd.Malformed, gone.End);
        Assert.Contains("reserved", gone.Reason);
    }

    [Fact]
    public void ForeignPeerIsAFailedHandshake()
    {
        using var scope = new Scope();
        var server = scope.Bound(SocketType.Pull, "tcp", out var ep);
        var events = Record(server);
        using var raw = RawZmtpClient.Connect(ep);
        raw.Send("GET / HTTP/1.1\r\n\r\n"u8);
        var failed = events.WaitFor(SocketEventKind.HandshakeFailedProtocol);
        Assert.Equal(ConnectionEnd.Malformed, failed.End);
    }

    [Fact]
    public void ConnectingToNothingRetriesAfterTheReconnectInterval()
    {
        // A port bound but not listening: connects are refused, and no connect can be given it as its own local port
        // (a freed ephemeral port can be, and the connection then reaches itself).
        using var taken = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream,
            System.Net.Sockets.ProtocolType.Tcp);
        taken.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        string ep = $"tcp://127.0.0.1:{((System.Net.IPEndPoint)taken.LocalEndPoint!).Port}";
        using var scope = new Scope();
        var client = scope.Make(SocketType.Push);
        client.ReconnectInterval = 50;
        var events = Record(client);
        client.Connect(ep);
        var retried = events.WaitFor(SocketEventKind.ConnectRetried);
        Assert.Equal(50, retried.Value);
        Assert.Equal(ep, retried.Endpoint);
        Assert.DoesNotContain(SocketEventKind.Connected, events.Kinds);
    }

    [Fact]
    public void BindingATakenPortIsABindFailureAndUnbindIsClosed()
    {
        using var scope = new Scope();
        var first = scope.Bound(SocketType.Pull, "tcp", out var ep);
        var firstEvents = Record(first);
        var second = scope.Make(SocketType.Pull);
        var secondEvents = Record(second);
        Assert.Throws<ZeraException>(() => second.Bind(ep));
        var failed = secondEvents.WaitFor(SocketEventKind.BindFailed);
        Assert.Equal(ep, failed.Endpoint);
        Assert.False(string.IsNullOrEmpty(failed.Reason));
        first.Unbind(ep);
        Assert.Equal(ep, firstEvents.WaitFor(SocketEventKind.Closed).Endpoint);
    }

    [Fact]
    public void HandshakeTimeoutIsReported()
    {
        using var scope = new Scope();
        var server = scope.Make(SocketType.Pull);
        server.HandshakeInterval = 200;
        var ep = Endpoints.Bind(server, "tcp");
        var events = Record(server);
        using var raw = RawZmtpClient.Connect(ep); // connects and says nothing
        var failed = events.WaitFor(SocketEventKind.HandshakeFailedNoDetail);
        Assert.Equal(ConnectionEnd.HandshakeTimeout, failed.End);
    }
}
