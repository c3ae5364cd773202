using System.Diagnostics.Metrics;
using Zera.Transports;

namespace Zera;

/// <summary>
/// The <c>Zera</c> meter (System.Diagnostics.Metrics): what dotnet-counters and OpenTelemetry read. Message and byte
/// counts are plain fields of each socket, bumped by the socket's own calls and summed here only when a listener
/// collects (observable instruments), so the message path costs the same whether anyone listens or not. Connection
/// events are rare and go to ordinary counters. Tags are the socket type and, for connections, the transport; never
/// the endpoint, so the number of series stays bounded.
/// </summary>
internal static class ZeraMetrics
{
    /// <summary>The meter's name (<c>AddMeter("Zera")</c>, <c>--counters Zera</c>).</summary>
    public const string MeterName = "Zera";

    private static readonly SocketType[] s_types = Enum.GetValues<SocketType>();
    private static readonly Lock s_lock = new();
    private static readonly HashSet<ZeraSocket> s_live = [];
    // What sockets already disposed had counted, per type, so that the counters never go back down.
    private static readonly Dictionary<SocketType, SocketCounters> s_retired = [];

    private static readonly Meter s_meter = new(MeterName, ZeraVersion.Library.ToString());
    private static readonly Counter<long> s_opened = s_meter.CreateCounter<long>("zera.connections.opened", "{connection}",
        "tcp and ipc connections established (connected or accepted)");
    private static readonly Counter<long> s_closed = s_meter.CreateCounter<long>("zera.connections.closed", "{connection}",
        "tcp and ipc connections that ended after their handshake");
    private static readonly Counter<long> s_reconnects = s_meter.CreateCounter<long>("zera.connections.retried", "{attempt}",
        "connection attempts scheduled again after a failure or a lost connection");
    private static readonly Counter<long> s_handshakeFailures = s_meter.CreateCounter<long>("zera.handshakes.failed", "{handshake}",
        "connections refused during the ZMTP handshake (protocol, mechanism or authentication)");

    static ZeraMetrics()
    {
        s_meter.CreateObservableCounter("zera.messages.sent", () => Collect(c => c.MessagesSent), "{message}", "whole messages sent");
        s_meter.CreateObservableCounter("zera.messages.received", () => Collect(c => c.MessagesReceived), "{message}", "whole messages received");
        s_meter.CreateObservableCounter("zera.bytes.sent", () => Collect(c => c.BytesSent), "By", "payload bytes sent (every frame)");
        s_meter.CreateObservableCounter("zera.bytes.received", () => Collect(c => c.BytesReceived), "By", "payload bytes received (every frame)");
        s_meter.CreateObservableCounter("zera.messages.dropped", () => Collect(c => c.Dropped), "{message}",
            "messages a PUB or XPUB did not give a subscriber whose queue was full (its high-water mark)");
        s_meter.CreateObservableCounter("zera.messages.refused", () => Collect(c => c.Refused), "{message}",
            "non-blocking sends refused because no peer had room (would block)");
        s_meter.CreateObservableGauge("zera.queue.depth", CollectDepth, "{message}",
            "messages waiting in the sockets' pipes, both directions");
    }

    /// <summary>Counts a new socket in the observable instruments.</summary>
    public static void Register(ZeraSocket socket)
    {
        lock (s_lock) s_live.Add(socket);
    }

    /// <summary>A disposed socket's counts move to its type's retired totals.</summary>
    public static void Retire(ZeraSocket socket)
    {
        lock (s_lock)
        {
            if (!s_live.Remove(socket)) return;
            s_retired[socket.Type] = Add(s_retired.GetValueOrDefault(socket.Type), socket.MetricCounters);
        }
    }

    /// <summary>A connection event of a socket of type <paramref name="type"/>.</summary>
    public static void OnEvent(SocketType type, in ConnectionEvent e)
    {
        var counter = e.Kind switch
        {
            SocketEventKind.Connected or SocketEventKind.Accepted => s_opened,
            SocketEventKind.Disconnected => s_closed,
            SocketEventKind.ConnectRetried => s_reconnects,
            SocketEventKind.HandshakeFailedNoDetail or SocketEventKind.HandshakeFailedProtocol
                or SocketEventKind.HandshakeFailedAuth => s_handshakeFailures,
            _ => null,
        };
        if (counter is not { Enabled: true }) return;
        counter.Add(1, new KeyValuePair<string, object?>("socket.type", Protocol.SocketTypes.Name(type)),
            new KeyValuePair<string, object?>("transport", Transport(e.Endpoint)));
    }

    private static string Transport(string endpoint)
    {
        int colon = endpoint.IndexOf("://", StringComparison.Ordinal);
        return colon switch
        {
            > 0 when endpoint.StartsWith("tcp", StringComparison.Ordinal) => "tcp",
            > 0 when endpoint.StartsWith("ipc", StringComparison.Ordinal) => "ipc",
            > 0 when endpoint.StartsWith("inproc", StringComparison.Ordinal) => "inproc",
            _ => "other",
        };
    }

    private static IEnumerable<Measurement<long>> Collect(Func<SocketCounters, long> pick)
    {
        var sums = new Dictionary<SocketType, long>();
        lock (s_lock)
        {
            foreach (var (type, counters) in s_retired) sums[type] = pick(counters);
            foreach (var socket in s_live) sums[socket.Type] = sums.GetValueOrDefault(socket.Type) + pick(socket.MetricCounters);
        }
        return Measurements(sums);
    }

    private static IEnumerable<Measurement<long>> CollectDepth()
    {
        var sums = new Dictionary<SocketType, long>();
        lock (s_lock)
        {
            foreach (var socket in s_live) sums[socket.Type] = sums.GetValueOrDefault(socket.Type) + socket.QueueDepth;
        }
        return Measurements(sums);
    }

    private static List<Measurement<long>> Measurements(Dictionary<SocketType, long> sums)
    {
        var list = new List<Measurement<long>>(sums.Count);
        foreach (var type in s_types)
        {
            if (sums.TryGetValue(type, out long value))
                list.Add(new Measurement<long>(value, new KeyValuePair<string, object?>("socket.type", Protocol.SocketTypes.Name(type))));
        }
        return list;
    }

    private static SocketCounters Add(SocketCounters a, SocketCounters b) => new()
    {
        MessagesSent = a.MessagesSent + b.MessagesSent,
        MessagesReceived = a.MessagesReceived + b.MessagesReceived,
        BytesSent = a.BytesSent + b.BytesSent,
        BytesReceived = a.BytesReceived + b.BytesReceived,
        Dropped = a.Dropped + b.Dropped,
        Refused = a.Refused + b.Refused,
    };
}

/// <summary>One socket's message counts for the meter: written only by the socket's own calls (plain stores, no
/// interlocked operation), read by a collecting listener (a torn value is impossible for an aligned long on a 64-bit
/// runtime, and a count a moment old is fine).</summary>
internal struct SocketCounters
{
    public long MessagesSent;
    public long MessagesReceived;
    public long BytesSent;
    public long BytesReceived;
    public long Dropped;
    public long Refused;
}
