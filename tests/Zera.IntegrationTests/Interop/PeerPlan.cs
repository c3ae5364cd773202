using System.Text.Json.Nodes;

namespace Zera.IntegrationTests.Interop;

/// <summary>
/// What the Python peer (<see cref="PeerScript"/>) does, step by step, built fluently and sent to it as JSON.
/// Sockets are named, so one plan can drive several libzmq sockets.
/// </summary>
internal sealed class PeerPlan
{
    private readonly JsonArray _steps = [];

    /// <summary>How long any single libzmq send, receive or awaited event may take.</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>When the peer kills itself regardless (a safety net; the test kills it sooner).</summary>
    public TimeSpan HardTimeout { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Creates a libzmq socket of <paramref name="type"/> (pyzmq's name, e.g. "DEALER") called
    /// <paramref name="name"/>, binds it (the peer reports <c>BOUND name endpoint</c>) and/or connects it. At the end
    /// the peer flushes what each socket still queues (up to the step timeout) unless <paramref name="discard"/>.
    /// <paramref name="heartbeat"/> sets ZMQ_HEARTBEAT_IVL, _TIMEOUT and _TTL (milliseconds), <paramref name="highWatermark"/>
    /// both ZMQ_SNDHWM and ZMQ_RCVHWM.</summary>
    public PeerPlan Open(string name, string type, string? bind = null, string? connect = null, byte[]? routingId = null,
        bool routerMandatory = false, bool monitor = false, bool discard = false, (int Interval, int Timeout, int Ttl)? heartbeat = null, int? highWatermark = null,
        IEnumerable<byte[]>? subscribe = null)
    {
        var step = new JsonObject { ["op"] = "open", ["name"] = name, ["type"] = type };
        if (bind != null) step["bind"] = bind;
        if (connect != null) step["connect"] = new JsonArray(connect);
        if (routingId != null) step["identity"] = Convert.ToHexStringLower(routingId);
        if (routerMandatory) step["mandatory"] = true;
        if (monitor) step["monitor"] = true;
        if (discard) step["discard"] = true;
        if (highWatermark is { } hwm) step["hwm"] = hwm;
        if (heartbeat is { } hb) step["heartbeat"] = new JsonArray(hb.Interval, hb.Timeout, hb.Ttl);
        if (subscribe != null) step["subscribe"] = new JsonArray([.. subscribe.Select(p => (JsonNode)Convert.ToHexStringLower(p))]);
        _steps.Add(step);
        return this;
    }

    /// <summary>Sends one multipart message, blocking up to the step timeout. With <paramref name="retryUnroutable"/>
    /// (a ROUTER with ROUTER_MANDATORY) an unroutable send is retried until the peer is known.</summary>
    public PeerPlan Send(string sock, IEnumerable<TestFrame> frames, bool retryUnroutable = false)
    {
        var step = new JsonObject { ["op"] = "send", ["sock"] = sock, ["frames"] = Specs(frames) };
        if (retryUnroutable) step["retry"] = true;
        _steps.Add(step);
        return this;
    }

    /// <summary>Sends without blocking; the peer reports whether libzmq took the message.</summary>
    public PeerPlan TrySend(string sock, IEnumerable<TestFrame> frames)
    {
        _steps.Add(new JsonObject { ["op"] = "try_send", ["sock"] = sock, ["frames"] = Specs(frames) });
        return this;
    }

    /// <summary>Receives one multipart message and reports it (<c>RECV sock frames...</c>).</summary>
    public PeerPlan Receive(string sock)
    {
        _steps.Add(new JsonObject { ["op"] = "recv", ["sock"] = sock });
        return this;
    }

    /// <summary>Waits for the first of <paramref name="events"/> (names without <c>EVENT_</c>) on the socket's
    /// monitor and reports it (<c>EVENT sock NAME</c>). The socket must have been opened with a monitor.</summary>
    public PeerPlan AwaitEvent(string sock, params string[] events)
    {
        _steps.Add(new JsonObject { ["op"] = "event", ["sock"] = sock, ["events"] = new JsonArray([.. events.Select(e => (JsonNode)e)]) });
        return this;
    }

    /// <summary>Sends <paramref name="count"/> numbered two-frame messages as fast as libzmq takes them (see
    /// <see cref="SequenceStream"/>).</summary>
    public PeerPlan SendSequence(string sock, int count, int size)
    {
        _steps.Add(new JsonObject { ["op"] = "send_seq", ["sock"] = sock, ["count"] = count, ["size"] = size });
        return this;
    }

    /// <summary>Receives <paramref name="count"/> numbered messages and checks each is the next one, intact
    /// (<c>SEQ sock OK count</c>, or <c>SEQ sock BAD ...</c> at the first that is not).</summary>
    public PeerPlan ReceiveSequence(string sock, int count, int size)
    {
        _steps.Add(new JsonObject { ["op"] = "recv_seq", ["sock"] = sock, ["count"] = count, ["size"] = size });
        return this;
    }

    /// <summary>Receives <paramref name="count"/> one-frame messages that must each be <paramref name="payload"/>
    /// (<c>COUNT sock OK count</c>, <c>COUNT sock BAD ...</c> at the first that is not, or <c>COUNT sock SHORT n</c>
    /// when only n came within the step timeout).</summary>
    public PeerPlan ReceiveCount(string sock, int count, byte[] payload)
    {
        _steps.Add(new JsonObject { ["op"] = "recv_count", ["sock"] = sock, ["count"] = count, ["payload"] = Convert.ToHexStringLower(payload) });
        return this;
    }

    /// <summary>Peer churn: <paramref name="count"/> libzmq sockets of <paramref name="type"/>, <paramref name="batch"/>
    /// at a time, each connecting to the next of <paramref name="endpoints"/> in turn, sending one message, receiving
    /// one reply when <paramref name="reply"/>, and closing (<c>CHURNED count</c> when all are done). Messages are
    /// "churn N" numbered from <paramref name="first"/>; a SUB subscribes to its own instead of sending it.</summary>
    public PeerPlan Churn(string type, IReadOnlyList<string> endpoints, int count, int batch, bool reply, int first = 0)
    {
        _steps.Add(new JsonObject
        {
            ["op"] = "churn", ["type"] = type, ["count"] = count, ["batch"] = batch, ["reply"] = reply, ["first"] = first,
            ["endpoints"] = new JsonArray([.. endpoints.Select(e => (JsonNode)e)]),
        });
        return this;
    }

    /// <summary>As a subscriber on <paramref name="sock"/>: sends one message on <paramref name="control"/> when the
    /// first message whose first frame starts with "sync" arrives, skips every such message, then checks that the
    /// next messages are exactly <paramref name="expected"/> (<c>EXPECTED sock OK n</c> or <c>EXPECTED sock BAD ...</c>).</summary>
    public PeerPlan SyncThenExpect(string sock, string control, params byte[][][] expected)
    {
        _steps.Add(new JsonObject
        {
            ["op"] = "sync_then_expect", ["sock"] = sock, ["control"] = control,
            ["expected"] = new JsonArray([.. expected.Select(m => (JsonNode)new JsonArray([.. m.Select(f => (JsonNode)Convert.ToHexStringLower(f))]))]),
        });
        return this;
    }

    /// <summary>Publishes <paramref name="frames"/> plus a counter frame on <paramref name="sock"/>, again and again,
    /// until a message arrives on <paramref name="control"/> (<c>PUBLISHED sock n</c>).</summary>
    public PeerPlan PublishUntilTold(string sock, string control, params byte[][] frames)
    {
        _steps.Add(new JsonObject
        {
            ["op"] = "publish_until_told", ["sock"] = sock, ["control"] = control,
            ["frames"] = new JsonArray([.. frames.Select(f => (JsonNode)Convert.ToHexStringLower(f))]),
        });
        return this;
    }

    /// <summary>Does nothing for <paramref name="duration"/>: the peer's socket stays open but sends no message
    /// (libzmq still answers or sends heartbeats in the background).</summary>
    public PeerPlan Idle(TimeSpan duration)
    {
        _steps.Add(new JsonObject { ["op"] = "idle", ["ms"] = (int)duration.TotalMilliseconds });
        return this;
    }

    /// <summary>Reports every monitor event seen so far on <paramref name="sock"/> (<c>EVENTS sock NAME...</c>).</summary>
    public PeerPlan ReportEvents(string sock)
    {
        _steps.Add(new JsonObject { ["op"] = "events", ["sock"] = sock });
        return this;
    }

    /// <summary>The plan as the JSON document the peer reads.</summary>
    public string ToJson() => new JsonObject
    {
        ["timeout_ms"] = (int)StepTimeout.TotalMilliseconds,
        ["hard_timeout_s"] = (int)Math.Ceiling(HardTimeout.TotalSeconds),
        ["steps"] = _steps.DeepClone(),
    }.ToJsonString();

    private static JsonArray Specs(IEnumerable<TestFrame> frames) => new([.. frames.Select(f => (JsonNode)f.Spec)]);
}
