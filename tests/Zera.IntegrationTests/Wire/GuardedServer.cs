using System.Text;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Wire;

/// <summary>
/// A Zera socket under test (PULL or ROUTER) bound on loopback tcp, plus a well-behaved Zera peer (PUSH or DEALER)
/// connected to it that sends numbered messages in batches. Tests interleave batches with a raw peer's misbehaviour
/// and check that every good message still arrives, intact and in order, and that the server's monitor reports how
/// and why the raw peer's connection ended (<see cref="ExpectHandshakeFailure"/>, <see cref="ExpectDisconnect"/>).
/// </summary>
internal sealed class GuardedServer : IDisposable
{
    /// <summary>The routing id of the good DEALER (seen by the ROUTER).</summary>
    public static readonly byte[] GoodId = "good-peer"u8.ToArray();

    private static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(5);

    private readonly Context _context = new();
    private readonly ZeraSocket? _good;
    private int _sent;
    private int _received;
    private readonly Queue<List<byte[]>> _others = new();

    /// <summary>Binds a server of <paramref name="serverType"/> (PULL or ROUTER), lets <paramref name="configure"/>
    /// set its options first, and connects the good peer (unless <paramref name="withGoodPeer"/> is false).</summary>
    public GuardedServer(SocketType serverType, Action<ZeraSocket>? configure = null, bool withGoodPeer = true)
    {
        if (serverType is not (SocketType.Pull or SocketType.Router)) throw new ArgumentOutOfRangeException(nameof(serverType));
        Server = _context.CreateSocket(serverType);
        Server.Linger = 0;
        Server.ReceiveTimeout = (int)ReceiveTimeout.TotalMilliseconds;
        configure?.Invoke(Server);
        Events = EventLog.Start(Server);
        Server.Bind("tcp://127.0.0.1:*");
        Endpoint = Server.LastEndpoint!;
        if (!withGoodPeer) return;
        _good = _context.CreateSocket(serverType == SocketType.Pull ? SocketType.Push : SocketType.Dealer);
        _good.Linger = 0;
        _good.SendTimeout = (int)ReceiveTimeout.TotalMilliseconds;
        if (serverType == SocketType.Router) _good.RoutingId = GoodId;
        _good.Connect(Endpoint);
    }

    /// <summary>The socket under test.</summary>
    public ZeraSocket Server { get; }

    /// <summary>The server's monitor events, from before it bound.</summary>
    public EventLog Events { get; }

    /// <summary>Its tcp endpoint, with the real port.</summary>
    public string Endpoint { get; }

    /// <summary>The socket-type name a raw peer announces to be compatible with the server.</summary>
    public string PeerTypeName => Server.Type == SocketType.Pull ? "PUSH" : "DEALER";

    /// <summary>Has the good peer send <paramref name="count"/> numbered two-frame messages.</summary>
    public void SendGood(int count = 50)
    {
        for (int i = 0; i < count; i++, _sent++)
            _good!.SendMultipart([Encoding.ASCII.GetBytes($"good-{_sent}"), Encoding.ASCII.GetBytes(new string('x', _sent % 300))]);
    }

    /// <summary>Receives every good message sent so far and not yet received; fails unless each is the next in
    /// order and intact. Messages from other peers met meanwhile are kept for <see cref="ReceiveOther"/> (the order
    /// between different peers is not defined, only within each).</summary>
    public void ExpectGood()
    {
        while (_received < _sent)
        {
            var parts = Next($"good message {_received}");
            if (IsGood(parts)) CheckGood(parts);
            else _others.Enqueue(parts);
        }
    }

    /// <summary>Sends a batch and receives it.</summary>
    public void RoundTripGood(int count = 50)
    {
        SendGood(count);
        ExpectGood();
    }

    /// <summary>Receives the next message that is not from the good peer (checking good ones met on the way);
    /// for a ROUTER the routing id is the first frame.</summary>
    public List<byte[]> ReceiveOther(string what)
    {
        if (_others.TryDequeue(out var kept)) return kept;
        while (true)
        {
            var parts = Next(what);
            if (!IsGood(parts)) return parts;
            CheckGood(parts);
        }
    }

    /// <summary>Checks that every good message was received and nothing else is waiting (a short timed receive
    /// comes back empty).</summary>
    public void ExpectNothingMore()
    {
        Assert.Equal(_sent, _received);
        Assert.True(_others.Count == 0, $"unexpected message: {(_others.Count == 0 ? "" : Show(_others.Peek()))}");
        bool got = Server.TryReceiveMultipart(TimeSpan.FromMilliseconds(200), out var parts);
        Assert.False(got, $"unexpected message: {(parts is null ? "" : Show(parts))}");
    }

    private List<byte[]> Next(string what)
    {
        if (!Server.TryReceiveMultipart(ReceiveTimeout, out var parts))
            Assert.Fail($"{what} did not arrive within {ReceiveTimeout.TotalSeconds:F0} s");
        return parts;
    }

    private bool IsGood(List<byte[]> parts) => Server.Type == SocketType.Router
        ? parts[0].AsSpan().SequenceEqual(GoodId)
        : parts[0].AsSpan().StartsWith("good-"u8);

    private void CheckGood(List<byte[]> parts)
    {
        if (Server.Type == SocketType.Router) parts.RemoveAt(0);
        Assert.True(_received < _sent, $"a good message arrived that was never sent: {Show(parts)}");
        Assert.Equal($"good-{_received}", Encoding.ASCII.GetString(parts[0]));
        Assert.Equal(2, parts.Count);
        Assert.Equal(new string('x', _received % 300), Encoding.ASCII.GetString(parts[1]));
        _received++;
    }

    /// <summary>
    /// Waits for the server's monitor to report a connection failing its handshake: <paramref name="kind"/> with
    /// libzmq's <paramref name="value"/> (an errno, any but 0, when null) and a reason containing
    /// <paramref name="reason"/>, then that connection's DISCONNECTED with the same reason and the descriptor it was
    /// ACCEPTED with. Nothing about a bad peer may be silent. <paramref name="reason"/> may list alternatives
    /// separated by '|' (any one will do), for a failure that either of two system calls may see first.
    /// </summary>
    public void ExpectHandshakeFailure(SocketEventKind kind, int? value, string reason)
    {
        var failed = Events.WaitFor(kind, e => HasReason(e, reason), $"with a reason containing '{reason}'");
        if (value is { } v) Assert.True(v == failed.Value, $"{kind} has the value 0x{failed.Value:X}, not libzmq's 0x{v:X}: {EventLog.Show([failed])}");
        else Assert.True(failed.Value != 0, $"{kind} has no errno: {EventLog.Show([failed])}");
        Assert.Equal(Endpoint, failed.Endpoint);
        ExpectDisconnect(reason);
    }

    /// <summary>Waits for the server's monitor to report a connection's DISCONNECTED with a reason containing
    /// <paramref name="reason"/> and, as its value, the descriptor the connection was ACCEPTED with.</summary>
    public void ExpectDisconnect(string reason)
    {
        var gone = Events.WaitFor(SocketEventKind.Disconnected, e => HasReason(e, reason), $"with a reason containing '{reason}'");
        Assert.Equal(Endpoint, gone.Endpoint);
        Assert.True(gone.Value > 0, $"DISCONNECTED carries no descriptor: {EventLog.Show([gone])}");
        Assert.True(Events.Seen.Exists(e => e.Kind == SocketEventKind.Accepted && e.Value == gone.Value),
            $"DISCONNECTED's descriptor {gone.Value} is none that was ACCEPTED: {EventLog.Show(Events.Seen)}");
    }

    private static bool HasReason(SocketEvent e, string reasons) =>
        e.Reason is { } r && reasons.Split('|').Any(alternative => r.Contains(alternative, StringComparison.Ordinal));

    /// <summary>A raw client connected to the server.</summary>
    public RawZmtpClient ConnectRaw() => RawZmtpClient.Connect(Endpoint);

    public static string Show(IEnumerable<byte[]> parts) =>
        string.Join(" | ", parts.Select(p => p.Length <= 40 ? Convert.ToHexString(p) : $"[{p.Length} bytes]"));

    public void Dispose()
    {
        Events.Dispose();
        _good?.Dispose();
        Server.Dispose();
        _context.Dispose();
    }
}
