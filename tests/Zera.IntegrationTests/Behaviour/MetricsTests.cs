using System.Diagnostics.Metrics;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>
/// The <c>Zera</c> meter read the way dotnet-counters and OpenTelemetry read it, with a <see cref="MeterListener"/>.
/// The instruments are process-wide and other tests run alongside, so each check compares a reading before and
/// after this test's own traffic, per socket type: others can only add to a count, never hide this test's part.
/// </summary>
public sealed class MetricsTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void Messages_bytes_and_connections_are_counted_per_socket_type()
    {
        using var reader = new MeterReader();
        var before = reader.Collect();
        using var context = new Context();
        using var pull = context.CreateSocket(SocketType.Pull);
        using var push = context.CreateSocket(SocketType.Push);
        string endpoint = Endpoints.Bind(pull, "tcp");
        push.Connect(endpoint);
        for (int i = 0; i < 10; i++)
        {
            push.Send("12345", more: true);
            push.Send("6789");
        }
        for (int i = 0; i < 20; i++)
        {
            Assert.True(pull.TryReceive(out var frame, s_timeout), "message did not arrive");
            frame.Dispose();
        }
        var after = reader.Collect();

        Assert.True(after.Delta(before, "zera.messages.sent", "PUSH") >= 10);
        Assert.True(after.Delta(before, "zera.bytes.sent", "PUSH") >= 90);
        Assert.True(after.Delta(before, "zera.messages.received", "PULL") >= 10);
        Assert.True(after.Delta(before, "zera.bytes.received", "PULL") >= 90);
        Assert.True(after.Delta(before, "zera.connections.opened", "PUSH", "tcp") >= 1);
        Assert.True(after.Delta(before, "zera.connections.opened", "PULL", "tcp") >= 1);
    }

    [Fact]
    public void Queue_depth_drops_at_the_high_water_mark_and_refused_sends_are_measured()
    {
        using var reader = new MeterReader();
        var before = reader.Collect();
        using var context = new Context();
        using var pub = context.CreateSocket(SocketType.XPub);
        using var sub = context.CreateSocket(SocketType.Sub);
        pub.SendHighWatermark = 1;
        sub.ReceiveHighWatermark = 1;
        sub.Subscribe("");
        string endpoint = Endpoints.Bind(pub, "inproc");
        sub.Connect(endpoint);
        // The subscription has reached the publisher once it shows as a message on the XPUB.
        Assert.True(pub.TryReceive(out var subscription, s_timeout), "the subscription did not arrive");
        subscription.Dispose();
        for (int i = 0; i < 10; i++) pub.Send("x");

        using var push = context.CreateSocket(SocketType.Push);
        using var pull = context.CreateSocket(SocketType.Pull);
        pull.ReceiveHighWatermark = 5;
        push.SendHighWatermark = 5;
        push.Bind(Endpoints.ForBind("inproc"));
        pull.Connect(push.LastEndpoint!);
        int sent = 0;
        while (push.TrySend("queued"u8)) sent++;
        var after = reader.Collect();

        // inproc: one pipe joins the two sockets, holding both high-water marks' worth (2) of the ten.
        Assert.True(after.Delta(before, "zera.messages.dropped", "XPUB") >= 8);
        Assert.True(sent >= 5, $"only {sent} sends were taken");
        Assert.True(after.Delta(before, "zera.messages.refused", "PUSH") >= 1);
        Assert.True(after.Value("zera.queue.depth", "PULL") >= sent);
    }

    [Fact]
    public void A_disposed_socket_s_counts_stay_in_the_totals()
    {
        using var reader = new MeterReader();
        using var context = new Context();
        using var pull = context.CreateSocket(SocketType.Pull);
        string endpoint = Endpoints.Bind(pull, "inproc");
        var push = context.CreateSocket(SocketType.Push);
        push.Connect(endpoint);
        push.Send("one");
        var before = reader.Collect();
        push.Dispose();
        var after = reader.Collect();
        Assert.True(after.Value("zera.messages.sent", "PUSH") >= before.Value("zera.messages.sent", "PUSH"),
            "a counter went back down when its socket was disposed");
    }

    /// <summary>Listens to every instrument of the Zera meter and collects a snapshot on demand.</summary>
    private sealed class MeterReader : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Lock _lock = new();
        private Dictionary<string, long> _current = [];

        public MeterReader()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Zera") listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                string type = "", transport = "";
                foreach (var tag in tags)
                {
                    if (tag.Key == "socket.type") type = (string)tag.Value!;
                    if (tag.Key == "transport") transport = (string)tag.Value!;
                }
                string key = Key(instrument.Name, type, transport);
                lock (_lock)
                {
                    // Observable instruments report totals; plain counters report increments, summed here.
                    _current[key] = instrument.IsObservable ? value : _current.GetValueOrDefault(key) + value;
                }
            });
            _listener.Start();
        }

        public Snapshot Collect()
        {
            _listener.RecordObservableInstruments();
            lock (_lock) return new Snapshot(new Dictionary<string, long>(_current));
        }

        public void Dispose() => _listener.Dispose();

        public static string Key(string name, string type, string transport) => $"{name}|{type}|{transport}";
    }

    private sealed record Snapshot(Dictionary<string, long> Values)
    {
        public long Value(string name, string type, string transport = "") =>
            Values.GetValueOrDefault(MeterReader.Key(name, type, transport));

        public long Delta(Snapshot before, string name, string type, string transport = "") =>
            Value(name, type, transport) - before.Value(name, type, transport);
    }
}
