using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>Heartbeat tests measure silences of a few hundred milliseconds: they run on their own, so that other tests
/// blocking pool threads cannot delay the connections' timers and make a healthy peer look silent.</summary>
[CollectionDefinition(nameof(TimingSensitive), DisableParallelization = true)]
public sealed class TimingSensitive;

/// <summary>ZMTP heartbeats (libzmq's test_heartbeats, RFC 37, ZMQ_HEARTBEAT_IVL/TTL/TIMEOUT): a peer that stops
/// answering is dropped, a peer's TTL is honoured, and a healthy idle connection is kept.</summary>
[Collection(nameof(TimingSensitive))]
public class HeartbeatTests
{
    /// <summary>A bound socket with heartbeats on PINGs a peer that completed the handshake and then went silent,
    /// and closes the connection when no answer comes.</summary>
    [Theory]
    [InlineData(SocketType.Router)]
    [InlineData(SocketType.Rep)]
    public async Task SilentPeerIsDisconnected(SocketType serverType)
    {
        using var scope = new Scope();
        var server = scope.Make(serverType);
        server.HeartbeatInterval = 50;
        var ep = Endpoints.Bind(server, "tcp");

        using var raw = RawZmtpPeer.Connect(ep);
        await raw.HandshakeAsync("DEALER");
        var seen = await raw.DrainUntilClosedAsync(TimeSpan.FromSeconds(5));
        Assert.Contains("PING", seen);
        Assert.True(raw.Closed, "the server kept a connection whose peer never answered its PINGs");
    }

    /// <summary>A socket that does no heartbeating itself still closes the connection when the peer's PING asked
    /// for a TTL and nothing more arrives within it; it answers the PING first.</summary>
    [Fact]
    public async Task PeerTtlIsHonoured()
    {
        using var scope = new Scope();
        var server = scope.Bound(SocketType.Router, "tcp", out var ep);

        using var raw = RawZmtpPeer.Connect(ep);
        await raw.HandshakeAsync("DEALER");
        raw.SendPing(ttlDeciseconds: 2, Encoding.ASCII.GetBytes("ctx"));

        var pong = await raw.ReadFrameAsync(Io.Long);
        Assert.True(pong is { IsCommand: true }, "no answer to the PING");
        Assert.Equal("PONG", pong!.Value.CommandName);
        Assert.Equal("ctx", Encoding.ASCII.GetString(pong.Value.CommandData));

        await raw.DrainUntilClosedAsync(TimeSpan.FromSeconds(5));
        Assert.True(raw.Closed, "the server ignored the TTL of 200 ms its peer asked for");
    }

    /// <summary>A peer that answers every PING is kept, however long the connection stays otherwise idle, and
    /// can still send.</summary>
    [Fact]
    public async Task PeerThatAnswersPingsIsKept()
    {
        using var scope = new Scope();
        var server = scope.Make(SocketType.Router);
        server.HeartbeatInterval = 100;
        server.HeartbeatTimeout = 300;
        var ep = Endpoints.Bind(server, "tcp");

        using var raw = RawZmtpPeer.Connect(ep);
        await raw.HandshakeAsync("DEALER");
        int pings = 0;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(1.5);
        while (DateTime.UtcNow < until)
        {
            var f = await raw.ReadFrameAsync(until - DateTime.UtcNow);
            Assert.False(raw.Closed, $"the server dropped a peer that answered all of its {pings} PINGs");
            if (f is { IsCommand: true, CommandName: "PING" } ping)
            {
                pings++;
                raw.SendCommand("PONG", ping.CommandData[2..]);
            }
        }
        Assert.True(pings >= 3, $"only {pings} PINGs in 1.5 s with a 100 ms interval");

        raw.SendMessage("still here");
        var msg = await server.ReceiveMultipartAsync().AsTask().WaitAsync(Io.Long);
        Assert.Equal(Io.B("still here"), msg[1]);
    }

    /// <summary>Two sockets with heartbeats on keep an idle connection: after a long silence the same peer (same
    /// generated routing id) is still reachable.</summary>
    [Fact]
    public async Task IdleConnectionBetweenHeartbeatingSocketsSurvives()
    {
        using var scope = new Scope();
        var router = scope.Make(SocketType.Router);
        router.HeartbeatInterval = 100;
        router.HeartbeatTimeout = 300;
        router.RouterMandatory = true;
        var ep = Endpoints.Bind(router, "tcp");
        var dealer = scope.Make(SocketType.Dealer);
        dealer.HeartbeatInterval = 100;
        dealer.HeartbeatTimeout = 300;
        dealer.Connect(ep);

        Io.Send(dealer, "hi");
        var id = (await router.ReceiveMultipartAsync().AsTask().WaitAsync(Io.Long))[0];

        // Many heartbeat periods of silence, without holding a thread.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            using var idle = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
            (await router.ReceiveAsync(idle.Token)).Dispose();
        });

        Io.SendBytes(router, id, Io.B("you are still there"));
        Assert.Equal([Io.B("you are still there")], await dealer.ReceiveMultipartAsync().AsTask().WaitAsync(Io.Long));
        Io.Send(dealer, "yes");
        var again = await router.ReceiveMultipartAsync().AsTask().WaitAsync(Io.Long);
        Assert.Equal(id, again[0]);
    }

    /// <summary>A connecting socket with heartbeats on drops a server that stopped answering, then reconnects and
    /// delivers over the new connection.</summary>
    [Fact]
    public async Task ConnectingSideDropsADeadServerAndReconnects()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;

        using var scope = new Scope();
        var dealer = scope.Make(SocketType.Dealer);
        dealer.HeartbeatInterval = 50;
        dealer.ReconnectInterval = 50;
        dealer.Connect($"tcp://127.0.0.1:{port}");

        using (var dead = RawZmtpPeer.Wrap(await AcceptAsync(listener)))
        {
            await dead.HandshakeAsync("ROUTER");
            var seen = await dead.DrainUntilClosedAsync(TimeSpan.FromSeconds(5));
            Assert.Contains("PING", seen);
            Assert.True(dead.Closed, "the DEALER kept a connection whose server never answered");
        }

        using var alive = RawZmtpPeer.Wrap(await AcceptAsync(listener));
        await alive.HandshakeAsync("ROUTER");
        Io.Send(dealer, "over the new connection");
        var deadline = DateTime.UtcNow + Io.Long;
        RawZmtpPeer.WireFrame? data = null;
        while (data is null && DateTime.UtcNow < deadline && !alive.Closed)
        {
            var f = await alive.ReadFrameAsync(deadline - DateTime.UtcNow);
            if (f is { IsCommand: true, CommandName: "PING" } ping) alive.SendCommand("PONG", ping.CommandData[2..]);
            else if (f is { IsCommand: false }) data = f;
        }
        Assert.True(data is not null, "the message never arrived over the new connection");
        Assert.Equal("over the new connection", Encoding.UTF8.GetString(data!.Value.Body));
    }

    /// <summary>PINGs carry the configured HeartbeatTtl, in deciseconds (rounded down).</summary>
    [Fact]
    public async Task PingsCarryTheConfiguredTtl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;

        using var scope = new Scope();
        var dealer = scope.Make(SocketType.Dealer);
        dealer.HeartbeatInterval = 50;
        dealer.HeartbeatTtl = 2_099;
        dealer.Connect($"tcp://127.0.0.1:{port}");

        using var raw = RawZmtpPeer.Wrap(await AcceptAsync(listener));
        await raw.HandshakeAsync("ROUTER");
        var ping = await raw.ReadFrameAsync(Io.Long);
        Assert.True(ping is { IsCommand: true, CommandName: "PING" }, $"expected a PING, got {ping}");
        Assert.Equal(20, BinaryPrimitives.ReadUInt16BigEndian(ping!.Value.CommandData));
    }

    private static async Task<System.Net.Sockets.Socket> AcceptAsync(TcpListener listener)
    {
        try
        {
            return await listener.AcceptSocketAsync().WaitAsync(Io.Long);
        }
        catch (TimeoutException)
        {
            Assert.Fail("the socket did not (re)connect");
            throw;
        }
    }
}
