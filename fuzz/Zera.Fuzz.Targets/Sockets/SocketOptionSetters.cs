namespace Zera.Fuzz.Sockets;

/// <summary>
/// The socket options the socket-action fuzzer sets, each with a value drawn from interesting valid and invalid ones
/// (negative, zero, tiny, huge, past the documented range). A setter may throw only what the options document:
/// <see cref="ArgumentException"/> and its kin for a value out of range, <see cref="ZeraException"/> with
/// <see cref="ErrorKind.InvalidArgument"/> for an option the socket type lacks.
/// </summary>
internal static class SocketOptionSetters
{
    // LINGER -1 (wait for ever) is left out: a disposed socket with messages for a peer that never comes would keep the
    // context's disposal waiting for ever, which is ZeroMQ's documented behaviour, not a hang to report.
    private static readonly int[] s_lingers = [0, 1, 20, -2, int.MinValue];
    private static readonly int[] s_ints = [0, 1, 2, 10, 100, 1000, 65535, 65536, 6_553_599, 6_553_600, int.MaxValue, -1, -2, int.MinValue];
    private static readonly long[] s_sizes = [-1, 0, 1, 8, 100, 1 << 20, long.MaxValue, -2, long.MinValue];

    /// <summary>Every option: its name and how to set it from the choices in an <see cref="ActionSource"/>.</summary>
    public static IReadOnlyList<(string Name, Action<ZeraSocket, ActionSource> Set)> All { get; } =
    [
        ("SendHighWatermark", (s, a) => s.SendHighWatermark = Int(a)),
        ("ReceiveHighWatermark", (s, a) => s.ReceiveHighWatermark = Int(a)),
        ("Linger", (s, a) => s.Linger = a.Pick(s_lingers)),
        ("SendTimeout", (s, a) => s.SendTimeout = Int(a)),
        ("ReceiveTimeout", (s, a) => s.ReceiveTimeout = Int(a)),
        ("ReconnectInterval", (s, a) => s.ReconnectInterval = Int(a)),
        ("ReconnectIntervalMax", (s, a) => s.ReconnectIntervalMax = Int(a)),
        ("HandshakeInterval", (s, a) => s.HandshakeInterval = Int(a)),
        ("HeartbeatInterval", (s, a) => s.HeartbeatInterval = Int(a)),
        ("HeartbeatTimeout", (s, a) => s.HeartbeatTimeout = Int(a)),
        ("HeartbeatTtl", (s, a) => s.HeartbeatTtl = Int(a)),
        ("Backlog", (s, a) => s.Backlog = Int(a)),
        ("SendBuffer", (s, a) => s.SendBuffer = Int(a)),
        ("ReceiveBuffer", (s, a) => s.ReceiveBuffer = Int(a)),
        ("TcpKeepalive", (s, a) => s.TcpKeepalive = Int(a)),
        ("TcpKeepaliveCount", (s, a) => s.TcpKeepaliveCount = Int(a)),
        ("TcpKeepaliveIdle", (s, a) => s.TcpKeepaliveIdle = Int(a)),
        ("TcpKeepaliveInterval", (s, a) => s.TcpKeepaliveInterval = Int(a)),
        ("MaxMessageSize", (s, a) => s.MaxMessageSize = a.Pick(s_sizes)),
        ("Immediate", (s, a) => s.Immediate = a.OneIn(2)),
        ("IPv6", (s, a) => s.IPv6 = a.OneIn(2)),
        ("Conflate", (s, a) => s.Conflate = a.OneIn(2)),
        ("ProbeRouter", (s, a) => s.ProbeRouter = a.OneIn(2)),
        ("RouterMandatory", (s, a) => s.RouterMandatory = a.OneIn(2)),
        ("RouterHandover", (s, a) => s.RouterHandover = a.OneIn(2)),
        ("ReqCorrelate", (s, a) => s.ReqCorrelate = a.OneIn(2)),
        ("ReqRelaxed", (s, a) => s.ReqRelaxed = a.OneIn(2)),
        ("XPubVerbose", (s, a) => s.XPubVerbose = a.OneIn(2)),
        ("XPubVerboser", (s, a) => s.XPubVerboser = a.OneIn(2)),
        ("XPubNoDrop", (s, a) => s.XPubNoDrop = a.OneIn(2)),
        ("XPubManual", (s, a) => s.XPubManual = a.OneIn(2)),
        ("XPubManualLastValue", (s, a) => s.XPubManualLastValue = a.OneIn(2)),
        ("XPubWelcomeMessage", (s, a) => s.XPubWelcomeMessage = a.OneIn(3) ? null : Bytes(a)),
        ("XSubVerboseUnsubscribe", (s, a) => s.XSubVerboseUnsubscribe = a.OneIn(2)),
        ("InvertMatching", (s, a) => s.InvertMatching = a.OneIn(2)),
        ("OnlyFirstSubscribe", (s, a) => s.OnlyFirstSubscribe = a.OneIn(2)),
        ("RoutingId", (s, a) => s.RoutingId = Bytes(a)),
        ("ConnectRoutingId", (s, a) => s.ConnectRoutingId = a.OneIn(4) ? null : Bytes(a)),
        ("ZapDomain", (s, a) => s.ZapDomain = a.OneIn(8) ? new string('d', 256) : "domain"),
        ("PlainServer", (s, a) => s.PlainServer = a.OneIn(2)),
        ("PlainUsername", (s, a) => s.PlainUsername = a.OneIn(4) ? null : a.OneIn(8) ? "" : "user"),
        ("PlainPassword", (s, a) => s.PlainPassword = a.OneIn(4) ? null : "secret"),
        ("Subscribe", (s, a) => s.Subscribe(Bytes(a))),
        ("Unsubscribe", (s, a) => s.Unsubscribe(Bytes(a))),
    ];

    private static int Int(ActionSource a) => a.OneIn(4) ? a.Int32() : a.Pick(s_ints);

    /// <summary>Short byte strings from a small alphabet (never the fuzzer's message marker), sometimes empty,
    /// sometimes starting with the zero octet libzmq reserves, sometimes over 255 octets.</summary>
    private static byte[] Bytes(ActionSource a)
    {
        int length = a.Below(8) switch
        {
            0 => 0,
            7 => 256,
            var n => n,
        };
        var bytes = new byte[length];
        for (int i = 0; i < length; i++) bytes[i] = (byte)('a' + a.Below(4));
        if (length > 0 && a.OneIn(6)) bytes[0] = 0;
        return bytes;
    }
}
