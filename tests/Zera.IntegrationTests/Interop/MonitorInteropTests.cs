using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Interop;

/// <summary>
/// Socket monitors across implementations, over a real connection between Zera and libzmq: Zera's monitor PAIR
/// (<see cref="ZeraSocket.Monitor"/>) is read the way pyzmq reads libzmq's (<c>zmq.utils.monitor.parse_monitor_message</c>,
/// mirrored here, and the very same frames are also handed to pyzmq's own function), and libzmq's monitor (pyzmq's
/// <c>get_monitor_socket</c>) sees the handshake with the Zera peer succeed, and the connection go when Zera does.
/// </summary>
public sealed class MonitorInteropTests
{
    // zmq.h's numbers.
    private const int Connected = 0x0001, ConnectDelayed = 0x0002, ConnectRetried = 0x0004, Listening = 0x0008, Accepted = 0x0020,
        Closed = 0x0080, Disconnected = 0x0200, MonitorStopped = 0x0400, HandshakeSucceeded = 0x1000;

    /// <summary>pyzmq's parse_monitor_message, line for line: two frames, the first of exactly 6 bytes unpacked with
    /// <c>struct.unpack("=hi", ...)</c> (native byte order, standard sizes, no padding: a signed 16-bit event, then a
    /// signed 32-bit value), the second the endpoint as bytes.</summary>
    private static (int Event, int Value, byte[] Endpoint) ParseMonitorMessage(List<byte[]> msg)
    {
        if (msg.Count != 2 || msg[0].Length != 6)
            throw new InvalidDataException($"Invalid event message format: {msg.Count} frames, the first of {(msg.Count > 0 ? msg[0].Length : 0)} bytes");
        short eventId = MemoryMarshal.Read<short>(msg[0]);
        int value = MemoryMarshal.Read<int>(msg[0].AsSpan(2));
        return (eventId, value, msg[1]);
    }

    /// <summary>Reads Zera's monitor PAIR until <paramref name="last"/>; returns each message's frames as received.</summary>
    private static List<List<byte[]>> ReadUntil(ZeraSocket reader, int last, LibzmqPeer peer)
    {
        var messages = new List<List<byte[]>>();
        while (true)
        {
            Assert.True(reader.TryReceiveMultipart(Conversation.StepTimeout, out var frames),
                $"the monitor PAIR gave no event 0x{last:X4} within {Conversation.StepTimeout.TotalSeconds:F0} s; got: " +
                string.Join(", ", messages.Select(m => $"0x{ParseMonitorMessage(m).Event:X4}")) + peer.Transcript);
            messages.Add(frames);
            if (ParseMonitorMessage(frames).Event == last) return messages;
        }
    }

    /// <summary>pyzmq's own parse_monitor_message on the frames Zera's PAIR gave: one line per message,
    /// "EVENT_NAME value endpoint".</summary>
    private static List<string> ParseWithPyzmq(List<List<byte[]>> messages)
    {
        const string script = """
            import json, sys
            import zmq
            from zmq.utils.monitor import parse_monitor_message
            for msg in json.load(sys.stdin):
                e = parse_monitor_message([bytes.fromhex(f) for f in msg])
                print(zmq.Event(e["event"]).name, int(e["value"]), e["endpoint"].decode(), flush=True)
            """;
        var info = new ProcessStartInfo(LibzmqPeer.Interpreter)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        using var python = Process.Start(info)!;
        try
        {
            var stdout = python.StandardOutput.ReadToEndAsync();
            var stderr = python.StandardError.ReadToEndAsync();
            python.StandardInput.Write(new JsonArray([.. messages.Select(m => (JsonNode)new JsonArray([.. m.Select(f => (JsonNode)Convert.ToHexStringLower(f))]))]).ToJsonString());
            python.StandardInput.Close();
            Assert.True(python.WaitForExit(TimeSpan.FromSeconds(30)), "pyzmq's parse_monitor_message did not finish within 30 s");
            Assert.True(python.ExitCode == 0, $"pyzmq's parse_monitor_message failed: {stderr.Result}");
            return [.. stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
        }
        finally
        {
            python.KillTree();
        }
    }

    private static string NameOf(int e) => e switch
    {
        Connected => "CONNECTED",
        ConnectDelayed => "CONNECT_DELAYED",
        ConnectRetried => "CONNECT_RETRIED",
        Listening => "LISTENING",
        Accepted => "ACCEPTED",
        Closed => "CLOSED",
        Disconnected => "DISCONNECTED",
        MonitorStopped => "MONITOR_STOPPED",
        HandshakeSucceeded => "HANDSHAKE_SUCCEEDED",
        _ => $"0x{e:X4}",
    };

    /// <summary>Checks the mirror and pyzmq agree on every message, and returns the parsed events.</summary>
    private static List<(int Event, int Value, string Endpoint)> Parse(List<List<byte[]>> messages)
    {
        var ours = messages.Select(ParseMonitorMessage).Select(m => (m.Event, m.Value, Endpoint: Encoding.UTF8.GetString(m.Endpoint))).ToList();
        Assert.Equal(ours.Select(m => $"{NameOf(m.Event)} {m.Value} {m.Endpoint}".TrimEnd()), ParseWithPyzmq(messages).Select(l => l.TrimEnd()));
        return ours;
    }

    /// <summary>Zera binds a PULL, a libzmq PUSH connects and sends. Zera's PAIR: LISTENING and ACCEPTED with
    /// descriptors, HANDSHAKE_SUCCEEDED; then Zera's socket goes: CLOSED for its listener, MONITOR_STOPPED. libzmq's
    /// monitor: HANDSHAKE_SUCCEEDED, then DISCONNECTED when the Zera socket is gone.</summary>
    [Fact]
    public void ZeraBindingALibzmqPeerBothMonitorsSeeTheConnection()
    {
        using var ctx = new Context();
        using var pull = ctx.CreateSocket(SocketType.Pull);
        Conversation.Configure(pull);
        pull.Monitor("inproc://zera-monitor-bind");
        using var reader = ctx.CreateSocket(SocketType.Pair);
        Conversation.Configure(reader);
        reader.Connect("inproc://zera-monitor-bind");
        string ep = InteropEndpoints.Bind(pull, "tcp");

        var plan = new PeerPlan()
            .Open("main", "PUSH", connect: ep, monitor: true)
            .Send("main", [TestFrame.Text("hello")])
            .AwaitEvent("main", "HANDSHAKE_SUCCEEDED", "HANDSHAKE_FAILED_PROTOCOL", "HANDSHAKE_FAILED_NO_DETAIL", "DISCONNECTED")
            .AwaitEvent("main", "DISCONNECTED");
        using var peer = LibzmqPeer.Start(plan);
        Assert.True(pull.TryReceiveString(Conversation.StepTimeout, out var text), $"Zera did not receive the message{peer.Transcript}");
        Assert.Equal("hello", text);

        var before = Parse(ReadUntil(reader, HandshakeSucceeded, peer));
        Assert.Equal([Listening, Accepted, HandshakeSucceeded], before.Select(e => e.Event));
        Assert.All(before, e => Assert.Equal(ep, e.Endpoint));
        Assert.True(before[0].Value > 0 && before[1].Value > 0 && before[1].Value != before[0].Value,
            $"LISTENING and ACCEPTED carry no descriptors of their own: {before[0].Value}, {before[1].Value}");
        Assert.Equal(0, before[2].Value);
        Assert.Equal("HANDSHAKE_SUCCEEDED", peer.WaitForLine("EVENT main "));

        pull.Dispose(); // LINGER 0: the connection goes at once, and the monitor stops
        var after = Parse(ReadUntil(reader, MonitorStopped, peer));
        // The listener's CLOSED, and MONITOR_STOPPED last; the accepted connection may report its own CLOSED
        // before or after the listener's when it closes before the monitor stops (a race of the two closes, on two
        // threads).
        Assert.Equal((MonitorStopped, 0, ""), after[^1]);
        Assert.Contains((Closed, before[0].Value, ep), after);
        Assert.All(after.SkipLast(1), e => Assert.True(e.Event == Closed && e.Value > 0 && e.Endpoint == ep, $"unexpected {e}"));
        Assert.InRange(after.Count, 2, 3);
        Assert.Contains("EVENT main DISCONNECTED", peer.WaitForSuccess());
    }

    /// <summary>A libzmq PULL binds, Zera's PUSH connects and sends, and the libzmq peer then exits. Zera's PAIR:
    /// CONNECT_DELAYED, CONNECTED with a descriptor, HANDSHAKE_SUCCEEDED, then DISCONNECTED with that descriptor and
    /// CONNECT_RETRIED with the reconnect interval. libzmq's monitor: HANDSHAKE_SUCCEEDED.</summary>
    [Fact]
    public void ZeraConnectingToALibzmqPeerBothMonitorsSeeTheConnection()
    {
        using var ctx = new Context();
        using var push = ctx.CreateSocket(SocketType.Push);
        Conversation.Configure(push);
        push.ReconnectInterval = 200;
        push.Monitor("inproc://zera-monitor-connect", (SocketEventKind)(ConnectDelayed | Connected | HandshakeSucceeded | Disconnected | ConnectRetried));
        using var reader = ctx.CreateSocket(SocketType.Pair);
        Conversation.Configure(reader);
        reader.Connect("inproc://zera-monitor-connect");

        var plan = new PeerPlan()
            .Open("main", "PULL", bind: "tcp://127.0.0.1:*", monitor: true)
            .Receive("main")
            .AwaitEvent("main", "HANDSHAKE_SUCCEEDED", "HANDSHAKE_FAILED_PROTOCOL", "HANDSHAKE_FAILED_NO_DETAIL", "DISCONNECTED");
        using var peer = LibzmqPeer.Start(plan);
        string ep = peer.WaitForLine("BOUND main ");
        push.Connect(ep);
        push.Send("hello");
        Assert.Equal("h:" + Convert.ToHexStringLower("hello"u8), peer.WaitForLine("RECV main "));
        Assert.Equal("HANDSHAKE_SUCCEEDED", peer.WaitForLine("EVENT main "));
        peer.WaitForSuccess(); // the peer has closed its socket: Zera sees the connection go, and retries

        var events = Parse(ReadUntil(reader, ConnectRetried, peer));
        Assert.Equal([ConnectDelayed, Connected, HandshakeSucceeded, Disconnected, ConnectRetried], events.Select(e => e.Event));
        Assert.All(events, e => Assert.Equal(ep, e.Endpoint));
        Assert.True(events[1].Value > 0, $"CONNECTED carries no descriptor: {events[1].Value}");
        Assert.Equal(events[1].Value, events[3].Value); // DISCONNECTED: the same connection
        Assert.Equal(200, events[4].Value);
    }
}
