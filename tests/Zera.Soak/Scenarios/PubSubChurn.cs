using System.Text;

namespace Zera.Soak.Scenarios;

/// <summary>
/// pubsub-churn: one XPUB bound on tcp, ipc and inproc; rounds of 4 SUBs (over the three transports in turn) each
/// subscribe to 1,400-2,600 distinct prefixes (see <see cref="TopicPlan"/>: a pool shared among them, a range of their own, a
/// few short prefixes), cancel about a tenth, and announce a sync prefix of their own last. Once the XPUB has read every
/// subscriber's sync prefix (its subscriptions and cancels, sent before it on the same connection, are then in
/// effect), the publisher sends 2,000 two-frame messages [topic, checked body] and an end marker on each sync topic.
/// Each SUB must get exactly the messages whose topic it holds a prefix of, in order, and nothing else; then it leaves.
/// The XPUB's user side checks the trie's reference counting: a prefix is reported once when its first subscriber
/// takes it and cancelled once when its last one leaves or cancels, so after a round and its departures the reported
/// set must be empty again (and the heap flat: departed subscribers' prefixes must not stay in the trie).
/// </summary>
/// <remarks>No drop is allowed: a subscriber lives one round and gets at most <see cref="Messages"/> + 1 messages, under
/// both high-water marks, so the publisher never reaches a mark (where PUB would drop).</remarks>
internal sealed class PubSubChurn : Scenario
{
    private const int Subscribers = 4;
    private const int Messages = 2000;
    private const int Hwm = Messages + 1000;
    private static readonly byte[] s_end = "end"u8.ToArray();

    public override string Name => "pubsub-churn";

    public override string Description => "rounds of 4 SUBs (tcp, ipc, inproc) subscribe to 1,400-2,600 prefixes each, cancel a tenth, sync with an XPUB, get exactly their messages, leave";

    public override void Run(ScenarioRun run)
    {
        run.Cooperative = true;
        using var ctx = new Context();
        var xpub = ctx.CreateSocket(SocketType.XPub);
        xpub.Linger = 0;
        xpub.SendHighWatermark = Hwm;
        string[] endpoints = [.. SoakEndpoints.Transports.Select(t => SoakEndpoints.Bind(xpub, t, "pubsub"))];
        var reported = new HashSet<string>(StringComparer.Ordinal); // prefixes the XPUB reported and did not cancel
        var synced = new HashSet<string>(StringComparer.Ordinal);
        var stop = new ManualResetEventSlim();
        var go = Enumerable.Range(0, Subscribers).Select(_ => new SemaphoreSlim(0)).ToArray();
        TopicPlan? current = null;
        CountdownEvent? done = null;
        var subscribers = Enumerable.Range(0, Subscribers).Select(i => Workers.Start(run, $"pubsub-churn subscriber {i}", () =>
        {
            while (!stop.IsSet)
            {
                if (!go[i].Wait(TimeSpan.FromMilliseconds(100))) continue;
                try
                {
                    Subscribe(run, ctx, Volatile.Read(ref current)!, i, endpoints);
                }
                finally
                {
                    Volatile.Read(ref done)!.Signal();
                }
            }
        })).ToList();

        // Reads what the XPUB hands its user: 1 or 0, then the prefix.
        bool Handle(TimeSpan wait)
        {
            if (!xpub.TryReceive(out var frame, wait)) return false;
            using (frame)
            {
                if (frame.Length == 0 || frame.Span[0] > 1)
                {
                    run.Fail($"the XPUB handed up a {frame.Length}-byte message that is neither a subscription nor a cancel");
                    return true;
                }
                string prefix = Encoding.ASCII.GetString(frame.Span[1..]);
                if (frame.Span[0] == 1)
                {
                    if (!reported.Add(prefix)) run.Fail($"the XPUB reported '{prefix}' as new while it still had a subscriber (reference count lost)");
                    if (prefix.StartsWith('~')) synced.Add(prefix);
                }
                else if (!reported.Remove(prefix))
                {
                    run.Fail($"the XPUB cancelled '{prefix}', which it had not reported (or cancelled twice)");
                }
            }
            return true;
        }

        var rnd = new Random(29);
        long nextId = 0;
        try
        {
            for (long round = 0; !run.TimeUp && run.FailureCount == 0; round++)
            {
                // Quiet point: every subscriber so far gone, its connection ended and its prefixes cancelled.
                run.QuietPoint(() =>
                {
                    while (Handle(TimeSpan.Zero)) { }
                    return reported.Count == 0 && ScenarioRun.ConnectionsAtMost(0, 0);
                });
                var plan = TopicPlan.Create(round, nextId, Subscribers, Messages, rnd);
                nextId += Subscribers;
                Volatile.Write(ref current, plan);
                Volatile.Write(ref done, new CountdownEvent(Subscribers));
                synced.Clear();
                foreach (var g in go) g.Release();

                var until = DateTime.UtcNow.AddSeconds(30);
                while (synced.Count < Subscribers && DateTime.UtcNow < until) Handle(TimeSpan.FromMilliseconds(50));
                if (synced.Count < Subscribers)
                {
                    run.Fail($"round {round}: {synced.Count} of {Subscribers} subscribers' sync prefixes reached the XPUB within 30 s");
                    break;
                }
                for (int s = 0; s < Messages; s++)
                {
                    xpub.Send(plan.TopicBytes[s], more: true);
                    var body = MessageCodec.Build(round, s, MessageCodec.HeaderSize + rnd.Next(256));
                    xpub.Send(ref body);
                }
                for (int i = 0; i < Subscribers; i++)
                {
                    xpub.Send(plan.SyncTopicOf(i), more: true);
                    xpub.Send(s_end);
                }
                // The subscribers check and leave; meanwhile their cancels arrive.
                until = DateTime.UtcNow.AddSeconds(30);
                while (!done!.IsSet && DateTime.UtcNow < until) Handle(TimeSpan.FromMilliseconds(20));
                if (!done.IsSet)
                {
                    run.Fail($"round {round}: {done.CurrentCount} subscribers still receiving 30 s after the end markers");
                    break;
                }
            }
        }
        finally
        {
            stop.Set();
            Workers.JoinAll(run, subscribers, TimeSpan.FromSeconds(20));
        }
        // Every prefix of every subscriber that left must be cancelled: the trie holds nothing for departed ones.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((reported.Count > 0 || !ScenarioRun.ConnectionsAtMost(0, 0)) && DateTime.UtcNow < deadline) Handle(TimeSpan.FromMilliseconds(20));
        if (reported.Count > 0)
            run.Fail($"{reported.Count} prefixes still subscribed at the XPUB 30 s after every subscriber left (e.g. '{reported.First()}')");
        xpub.Dispose();
        run.Note($"{run.Peers:N0} subscribers in {run.Peers / Subscribers:N0} rounds over {string.Join(", ", endpoints.Select(e => e.Split(':')[0]))}, {Messages} messages published per round; XPUB's reported prefixes back to none at the end");
    }

    /// <summary>One subscriber's life: connect, subscribe and cancel as planned, announce the sync prefix, receive
    /// until the end marker, check, leave.</summary>
    private static void Subscribe(ScenarioRun run, Context ctx, TopicPlan plan, int i, string[] endpoints)
    {
        long id = plan.FirstId + i;
        string endpoint = endpoints[(plan.Round + i) % endpoints.Length];
        var expected = plan.ExpectedFor(i);
        using var sub = ctx.CreateSocket(SocketType.Sub);
        sub.Linger = 0;
        sub.ReceiveHighWatermark = Hwm;
        sub.Connect(endpoint);
        foreach (var (subscribe, prefix) in plan.OpsOf(i))
        {
            if (subscribe) sub.Subscribe(prefix);
            else sub.Unsubscribe(prefix);
        }
        string sync = plan.SyncTopicOf(i);
        sub.Subscribe(sync);
        int next = 0;
        var wait = TimeSpan.FromSeconds(30);
        while (true)
        {
            if (!sub.TryReceive(out var topicFrame, wait))
            {
                run.Fail($"subscriber {id} ({endpoint.Split(':')[0]}): nothing for 30 s after {next} of {expected.Count} messages (lost or hung)");
                return;
            }
            string topic;
            bool more;
            using (topicFrame)
            {
                topic = topicFrame.GetString();
                more = topicFrame.More;
            }
            if (!more)
            {
                run.Fail($"subscriber {id}: a one-frame message '{topic}' where [topic, body] was sent (cut)");
                return;
            }
            if (!sub.TryReceive(out var body, wait))
            {
                run.Fail($"subscriber {id}: the body of '{topic}' did not follow within 30 s (cut)");
                return;
            }
            using (body)
            {
                if (topic == sync)
                {
                    if (!body.Span.SequenceEqual(s_end)) run.Fail($"subscriber {id}: a bad end marker");
                    else if (next != expected.Count) run.Fail($"subscriber {id} ({endpoint.Split(':')[0]}): end marker after {next} of its {expected.Count} messages (lost)");
                    run.CountPeer();
                    return;
                }
                if (!MessageCodec.TryRead(body.Span, out long round, out long seq, out var problem))
                {
                    run.Fail($"subscriber {id}: {problem}");
                    return;
                }
                if (round != plan.Round || seq < 0 || seq >= plan.Topics.Length || plan.Topics[seq] != topic)
                {
                    run.Fail($"subscriber {id}: message {round}/{seq} under topic '{topic}', not the topic it was published with");
                    return;
                }
                if (!plan.Matches(i, topic))
                {
                    run.Fail($"subscriber {id}: got '{topic}' (message {seq}), which it does not subscribe to");
                    return;
                }
                if (next >= expected.Count || expected[next] != seq)
                {
                    run.Fail(next < expected.Count && seq > expected[next]
                        ? $"subscriber {id} ({endpoint.Split(':')[0]}): message {seq} where {expected[next]} was next (lost)"
                        : $"subscriber {id}: message {seq} out of order or again");
                    return;
                }
                next++;
                run.CountMessage();
            }
        }
    }
}
