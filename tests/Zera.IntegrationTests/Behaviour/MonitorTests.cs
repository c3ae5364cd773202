using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Zera.IntegrationTests.Support;
using Zera.IntegrationTests.Wire;
using NetSocket = System.Net.Sockets.Socket;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>
/// The socket monitor (zmq_socket_monitor; libzmq's test_monitor and the scenarios of its other monitor tests, in
/// Zera's words): events as an async sequence and on an inproc PAIR in libzmq's two-frame format, filtered by a
/// mask, with libzmq's values (descriptors, errnos, delays, protocol-error codes), ending with MONITOR_STOPPED.
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

    /// <summary>One event as a PAIR reader of libzmq's format gets it: a 6-byte frame (16-bit event, 32-bit value,
    /// in the machine's byte order), then the endpoint.</summary>
    private static (SocketEventKind Kind, int Value, string Endpoint) ReadPairEvent(ZeraSocket reader)
    {
        var frames = Io.ReceiveBytes(reader);
        Assert.Equal(2, frames.Count);
        Assert.Equal(6, frames[0].Length);
        return ((SocketEventKind)MemoryMarshal.Read<ushort>(frames[0]), MemoryMarshal.Read<int>(frames[0].AsSpan(2)), Encoding.UTF8.GetString(frames[1]));
    }

    /// <summary>Where the OS lets us look (Linux), checks that <paramref name="fd"/> is one of this process's open
    /// sockets; elsewhere that it is a plausible descriptor.</summary>
    private static void AssertIsOpenSocket(int fd, string what)
    {
        Assert.True(fd > 0, $"{what}: {fd} is no descriptor");
        if (!OperatingSystem.IsLinux()) return;
        var target = new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
        Assert.True(target != null && target.StartsWith("socket:", StringComparison.Ordinal), $"{what}: descriptor {fd} is {target ?? "not open"}, not a socket");
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
        Assert.Equal((SocketEventKind.Listening, ep, (string?)null), (serverEvents.Current.Kind, serverEvents.Current.Endpoint, serverEvents.Current.Reason));
        AssertIsOpenSocket(serverEvents.Current.Value, "LISTENING");

        var client = scope.Make(SocketType.Req);
        await using var clientEvents = client.MonitorAsync(SocketEventKind.All & ~SocketEventKind.ConnectDelayed).GetAsyncEnumerator();
        var clientMove = clientEvents.MoveNextAsync();
        client.Connect(ep);
        Assert.True(await clientMove);
        Assert.Equal(SocketEventKind.Connected, clientEvents.Current.Kind);
        Assert.Equal(ep, clientEvents.Current.Endpoint);
        AssertIsOpenSocket(clientEvents.Current.Value, "CONNECTED");
        var clientSeen = await CollectUntil(clientEvents, SocketEventKind.HandshakeSucceeded);
        Assert.Equal(0, clientSeen[^1].Value);
        var serverSeen = await CollectUntil(serverEvents, SocketEventKind.HandshakeSucceeded);
        var accepted = Assert.Single(serverSeen, e => e.Kind == SocketEventKind.Accepted);
        AssertIsOpenSocket(accepted.Value, "ACCEPTED");

        client.Dispose(); // the client's monitor ends with MONITOR_STOPPED
        var stopped = await CollectUntil(clientEvents, SocketEventKind.MonitorStopped);
        Assert.DoesNotContain(stopped, e => e.Kind == SocketEventKind.ConnectDelayed); // masked out
        Assert.Equal("", stopped[^1].Endpoint); // as libzmq's
        Assert.False(await clientEvents.MoveNextAsync(), "the sequence goes on after MONITOR_STOPPED");
        var gone = (await CollectUntil(serverEvents, SocketEventKind.Disconnected))[^1];
        Assert.Equal(ep, gone.Endpoint);
        Assert.Equal(accepted.Value, gone.Value); // the connection's descriptor, as in ACCEPTED
        // LINGER 0 resets the connection; a peer that lingers closes it.
        Assert.True(gone.Reason is "Connection reset by peer" or "the peer closed the connection", $"DISCONNECTED's reason: {gone.Reason}");
    }

    /// <summary>Malformed wire data is never silent: a foreign peer is a HANDSHAKE_FAILED_PROTOCOL with libzmq's
    /// ZMTP protocol-error value and the reason (every other case: the Wire tests, through GuardedServer).</summary>
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

    /// <summary>libzmq's sequence for a connect that finds nobody listening: CONNECT_DELAYED (EINPROGRESS), CLOSED
    /// (the attempt's descriptor; Zera adds why), CONNECT_RETRIED (the reconnect interval), and again.</summary>
    [Fact]
    public void ConnectingWhereNobodyListensIsDelayedClosedAndRetried()
    {
        // A port bound but not listening: connects are refused, and no other socket can take the port meanwhile.
        using var taken = new NetSocket(AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        string ep = $"tcp://127.0.0.1:{((IPEndPoint)taken.LocalEndPoint!).Port}";

        using var scope = new Scope();
        var client = scope.Make(SocketType.Push);
        client.ReconnectInterval = 50;
        using var events = EventLog.Start(client);
        client.Connect(ep);
        var first = events.WaitFor(SocketEventKind.ConnectRetried);
        events.WaitForAt(SocketEventKind.ConnectRetried, events.Seen.IndexOf(first) + 1);
        var seen = events.Seen;
        var kinds = seen.Take(6).Select(e => e.Kind);
        Assert.True(kinds.SequenceEqual([SocketEventKind.ConnectDelayed, SocketEventKind.Closed, SocketEventKind.ConnectRetried,
            SocketEventKind.ConnectDelayed, SocketEventKind.Closed, SocketEventKind.ConnectRetried]), $"not libzmq's sequence: {EventLog.Show(seen)}");
        Assert.All(seen, e => Assert.Equal(ep, e.Endpoint));
        Assert.DoesNotContain(seen, e => e.Kind is SocketEventKind.Connected or SocketEventKind.Disconnected);
        Assert.NotEqual(0, seen[0].Value); // EINPROGRESS
        Assert.True(seen[1].Value > 0, $"CLOSED carries no descriptor: {EventLog.Show([seen[1]])}");
        Assert.Equal("Connection refused", seen[1].Reason);
        Assert.Equal(50, seen[2].Value);
    }

    /// <summary>BIND_FAILED with the errno (EADDRINUSE) and the endpoint asked for, over tcp and over ipc (a live
    /// process's socket file, which Zera refuses before asking the OS).</summary>
    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void BindingAnAddressInUseIsBindFailedWithTheErrno(string transport)
    {
        using var scope = new Scope();
        var first = scope.Bound(SocketType.Pull, transport, out var ep);
        var second = scope.Make(SocketType.Pull);
        using var events = EventLog.Start(second);
        Assert.Equal(ErrorKind.AddressInUse, Assert.Throws<ZeraException>(() => second.Bind(ep)).Kind);
        var failed = events.WaitFor(SocketEventKind.BindFailed);
        Assert.Equal(ep, failed.Endpoint);
        Assert.Equal(AddressInUseErrno(), failed.Value);
        Assert.False(string.IsNullOrEmpty(failed.Reason), "BIND_FAILED without a reason");
        Assert.DoesNotContain(events.Seen, e => e.Kind == SocketEventKind.Listening);
    }

    /// <summary>The errno this OS gives for a port in use, as .NET reports it.</summary>
    private static int AddressInUseErrno()
    {
        using var a = new NetSocket(AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, ProtocolType.Tcp);
        a.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        a.Listen();
        using var b = new NetSocket(AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, ProtocolType.Tcp);
        var e = Assert.Throws<SocketException>(() => b.Bind(a.LocalEndPoint!));
        return e.NativeErrorCode;
    }

    /// <summary>Unbind closes the listener: CLOSED with the descriptor LISTENING had.</summary>
    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void UnbindIsClosedWithTheListenersDescriptor(string transport)
    {
        using var scope = new Scope();
        var server = scope.Make(SocketType.Pull);
        using var events = EventLog.Start(server);
        var ep = Endpoints.Bind(server, transport);
        var listening = events.WaitFor(SocketEventKind.Listening);
        AssertIsOpenSocket(listening.Value, "LISTENING");
        server.Unbind(ep);
        var closed = events.WaitFor(SocketEventKind.Closed);
        Assert.Equal((ep, listening.Value), (closed.Endpoint, closed.Value));
    }

    /// <summary>A PAIR monitor ends when its socket is disposed: CLOSED for the listener, then MONITOR_STOPPED (empty
    /// endpoint), then nothing; the monitor's inproc endpoint is free again.</summary>
    [Fact]
    public void DisposingTheSocketStopsItsPairMonitor()
    {
        using var scope = new Scope();
        var server = scope.Make(SocketType.Pull);
        server.Monitor("inproc://monitor-disposed");
        var reader = scope.Make(SocketType.Pair);
        reader.Connect("inproc://monitor-disposed");
        var ep = Endpoints.Bind(server, "tcp");
        var listening = ReadPairEvent(reader);
        Assert.Equal((SocketEventKind.Listening, ep), (listening.Kind, listening.Endpoint));

        server.Dispose();
        Assert.Equal((SocketEventKind.Closed, listening.Value, ep), ReadPairEvent(reader));
        Assert.Equal((SocketEventKind.MonitorStopped, 0, ""), ReadPairEvent(reader));
        Io.ExpectNothing(reader);
        scope.Make(SocketType.Pair).Bind("inproc://monitor-disposed"); // released with the monitor
    }

    /// <summary>As libzmq's zmq_socket_monitor: a second call stops the first monitor (MONITOR_STOPPED) and starts
    /// the new one; a null endpoint only stops; an empty mask binds but reports nothing. MonitorAsync sequences are
    /// separate: they see everything throughout.</summary>
    [Fact]
    public void SecondMonitorCallReplacesTheFirstAndNullStops()
    {
        using var scope = new Scope();
        var server = scope.Make(SocketType.Pull);
        using var all = EventLog.Start(server, SocketEventKind.Listening | SocketEventKind.MonitorStopped);
        server.Monitor("inproc://monitor-a");
        var a = scope.Make(SocketType.Pair);
        a.Connect("inproc://monitor-a");

        server.Monitor("inproc://monitor-b");
        var b = scope.Make(SocketType.Pair);
        b.Connect("inproc://monitor-b");
        Assert.Equal((SocketEventKind.MonitorStopped, 0, ""), ReadPairEvent(a));
        var ep = Endpoints.Bind(server, "tcp");
        Assert.Equal(SocketEventKind.Listening, ReadPairEvent(b).Kind);
        Io.ExpectNothing(a);
        a.Dispose();

        server.Monitor("inproc://monitor-a", SocketEventKind.None); // the first endpoint is free again
        Assert.Equal((SocketEventKind.MonitorStopped, 0, ""), ReadPairEvent(b));
        var quiet = scope.Make(SocketType.Pair);
        quiet.Connect("inproc://monitor-a");
        server.Unbind(ep);
        Endpoints.Bind(server, "tcp");
        Io.ExpectNothing(quiet);

        server.Monitor(null);
        Io.ExpectNothing(quiet); // MONITOR_STOPPED is not in its mask
        scope.Make(SocketType.Pair).Bind("inproc://monitor-a"); // released
        server.Monitor(null); // nothing to stop: no error

        Assert.Equal(2, all.Seen.Count(e => e.Kind == SocketEventKind.Listening));
        Assert.DoesNotContain(all.Seen, e => e.Kind == SocketEventKind.MonitorStopped);
    }

    /// <summary>The inproc PAIR in libzmq's format: 16-bit event and 32-bit value (machine order), then the endpoint;
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

        var listening = ReadPairEvent(reader);
        Assert.Equal((SocketEventKind.Listening, ep), (listening.Kind, listening.Endpoint));
        AssertIsOpenSocket(listening.Value, "LISTENING");
        Assert.Equal((SocketEventKind.HandshakeSucceeded, 0, ep), ReadPairEvent(reader));
        server.Monitor(null); // stops it
        Assert.Equal((SocketEventKind.MonitorStopped, 0, ""), ReadPairEvent(reader));
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
