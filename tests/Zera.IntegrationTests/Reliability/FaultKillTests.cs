using Zera.IntegrationTests.Interop;
using Zera.IntegrationTests.Support;
using EventLog = Zera.IntegrationTests.Support.EventLog;

namespace Zera.IntegrationTests.Reliability;

/// <summary>
/// A peer process killed with SIGKILL in the middle of a message. The peer is a Python script over a raw socket that
/// speaks ZMTP 3.1 as a PUSH (NULL greeting, READY), sends one whole two-frame message, then only part of the next:
/// either its first frame (MORE set) and nothing more, or its first frame and half the body of a 100 KB second frame.
/// It prints CUT once those bytes are written and is then killed (<see cref="System.Diagnostics.Process.Kill()"/>
/// is SIGKILL on Linux). Zera, bound or connecting, must deliver the whole message, never any part of the cut one,
/// and go on: the next message, from a real libzmq PUSH (pyzmq) that connects, or that binds the same port for a
/// connecting Zera, arrives intact and is the very next thing received. Each case runs several lives in a row, since
/// what is in flight at the kill differs from run to run.
/// </summary>
public sealed class FaultKillTests
{
    private const int Lives = 6;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    /// <summary>argv: connect|bind, port, parts|body, life. A PUSH over a raw socket, killed by the test.</summary>
    private const string HalfMessagePeer = """
        import socket, struct, sys, time
        mode, port, cut, life = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
        if mode == 'connect':
            s = socket.create_connection(('127.0.0.1', port))
        else:
            l = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            l.bind(('127.0.0.1', port))
            l.listen(1)
            print('BOUND', l.getsockname()[1])
            s, _ = l.accept()
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        def frame(body, more=False, command=False):
            flags = (1 if more else 0) | (4 if command else 0)
            if len(body) > 255:
                return bytes([flags | 2]) + struct.pack('>Q', len(body)) + body
            return bytes([flags, len(body)]) + body
        def read(n):
            data = b''
            while len(data) < n:
                chunk = s.recv(n - len(data))
                if not chunk: raise SystemExit('closed during the handshake')
                data += chunk
            return data
        greeting = b'\xff' + b'\0' * 8 + b'\x7f' + bytes([3, 1]) + b'NULL'.ljust(20, b'\0') + bytes([1 if mode == 'bind' else 0]) + b'\0' * 31
        s.sendall(greeting)
        read(64)
        ready = b'\x05READY' + b'\x0bSocket-Type' + struct.pack('>I', 4) + b'PUSH'
        s.sendall(frame(ready, command=True))
        flags, size = read(2)
        if flags & 2: size = struct.unpack('>Q', bytes([size]) + read(7))[0]
        read(size)  # Zera's READY: read, so nothing unread turns our close into a reset before the cut bytes
        s.sendall(frame(b'whole', more=True) + frame(life.encode()))
        if cut == 'parts':
            s.sendall(frame(b'cut', more=True))  # the second frame never comes
        else:
            body = bytes(range(256)) * 400     # 102,400 bytes promised, half of them sent
            s.sendall(frame(b'cut', more=True) + bytes([2]) + struct.pack('>Q', len(body)) + body[:len(body) // 2])
        print('CUT')
        time.sleep(120)  # killed here by the test
        """;

    [Fact]
    public void BoundPullDropsTheCutMessageAndServesTheNextPeer()
    {
        using var ctx = new Context();
        using var pull = ctx.CreateSocket(SocketType.Pull);
        Conversation.Configure(pull);
        using var events = EventLog.Start(pull, SocketEventKind.Disconnected);
        pull.Bind("tcp://127.0.0.1:*");
        string endpoint = pull.LastEndpoint!;
        int port = new Uri(endpoint).Port;

        for (int life = 0; life < Lives; life++)
        {
            string cut = life % 2 == 0 ? "body" : "parts";
            using (var doomed = new ScriptPeer(HalfMessagePeer, "connect", port.ToString(), cut, life.ToString()))
            {
                doomed.WaitForLine("CUT");
                ExpectMessage(pull, ["whole", life.ToString()], $"life {life} ({cut})");
            } // SIGKILL, with part of the next message sent

            // Zera has seen the connection end (the cut message's frames, if any arrived, are gone with it)...
            WaitForNth(events, SocketEventKind.Disconnected, life + 1);

            // ...and the next peer's message is the next thing received, whole.
            using var next = LibzmqPeer.Start(new PeerPlan().Open("main", "PUSH", connect: endpoint)
                .Send("main", [TestFrame.Text("after"), TestFrame.Text(life.ToString())]));
            ExpectMessage(pull, ["after", life.ToString()], $"after life {life} ({cut}){next.Transcript}");
            next.WaitForSuccess();
        }
        Assert.False(pull.TryReceiveMultipart(TimeSpan.FromMilliseconds(200), out var extra), $"an extra message arrived: {Describe(extra)}");
    }

    [Fact]
    public void ConnectingPullDropsTheCutMessageAndReconnectsToTheRestartedPeer()
    {
        using var ctx = new Context();
        using var pull = ctx.CreateSocket(SocketType.Pull);
        Conversation.Configure(pull);
        pull.ReconnectInterval = 50;
        pull.ReconnectIntervalMax = 200;

        // The port is chosen by the first raw peer; every later process, raw or libzmq, binds it again.
        int port = 0;
        for (int life = 0; life < Lives; life++)
        {
            string cut = life % 2 == 0 ? "body" : "parts";
            using (var doomed = new ScriptPeer(HalfMessagePeer, "bind", port.ToString(), cut, life.ToString()))
            {
                int bound = int.Parse(doomed.WaitForLine("BOUND"), System.Globalization.CultureInfo.InvariantCulture);
                if (port == 0)
                {
                    port = bound;
                    pull.Connect($"tcp://127.0.0.1:{port}");
                }
                doomed.WaitForLine("CUT");
                ExpectMessage(pull, ["whole", life.ToString()], $"life {life} ({cut})");
            } // SIGKILL, with part of the next message sent

            // A real libzmq PUSH restarted on the same port: Zera reconnects on its own, and what it sends is the next
            // message received, whole.
            using var restarted = LibzmqPeer.Start(new PeerPlan().Open("main", "PUSH", bind: $"tcp://127.0.0.1:{port}")
                .Send("main", [TestFrame.Text("after"), TestFrame.Text(life.ToString())]));
            ExpectMessage(pull, ["after", life.ToString()], $"after life {life} ({cut}){restarted.Transcript}");
            restarted.WaitForSuccess();
        }
        Assert.False(pull.TryReceiveMultipart(TimeSpan.FromMilliseconds(200), out var extra), $"an extra message arrived: {Describe(extra)}");
    }

    private static void WaitForNth(EventLog events, SocketEventKind kind, int n)
    {
        int from = 0;
        for (int i = 0; i < n; i++) from = events.WaitForAt(kind, from, timeout: Step).Index + 1;
    }

    private static void ExpectMessage(ZeraSocket pull, string[] expected, string when)
    {
        Assert.True(pull.TryReceiveMultipart(Step, out var parts), $"no message within {Step.TotalSeconds:F0} s {when}");
        Assert.True(parts.Count == expected.Length && parts.Select(p => System.Text.Encoding.UTF8.GetString(p)).SequenceEqual(expected),
            $"{when}: expected [{string.Join(", ", expected)}], got {Describe(parts)}");
    }

    private static string Describe(List<byte[]>? parts) =>
        parts == null ? "nothing" : $"{parts.Count} frames: {TestFrame.Describe(parts)}";
}
