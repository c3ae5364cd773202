namespace Zera.Soak.Scenarios;

/// <summary>
/// One round of pubsub-churn, fixed before its subscribers start and shared by them and the publisher (read-only):
/// what each subscriber subscribes to and cancels, in order, and the topic of every message the publisher sends.
/// Topics come from a pool shared by all subscribers (so the publisher's trie counts several subscribers per prefix),
/// from ranges unique to one subscriber (so a trie that kept departed subscribers' prefixes would grow without bound),
/// and from names nobody subscribes to; a few subscriptions are short prefixes that match a hundred pool topics each.
/// </summary>
internal sealed class TopicPlan
{
    /// <summary>Topics in the shared pool: "s0000." to "s3999.".</summary>
    private const int SharedPool = 4000;

    /// <summary>Prefixes unique to each subscriber: "u{id}.000." to "u{id}.499.".</summary>
    private const int UniquePerSubscriber = 500;

    private readonly List<(bool Subscribe, string Prefix)>[] _ops;
    private readonly HashSet<string>[] _final;

    public long Round { get; }

    /// <summary>The id of subscriber 0 of this round; subscriber i is <c>FirstId + i</c>.</summary>
    public long FirstId { get; }

    /// <summary>The topic frame of message <c>s</c>, as text and as the bytes sent.</summary>
    public string[] Topics { get; }

    public byte[][] TopicBytes { get; }

    private TopicPlan(long round, long firstId, int subscribers, int messages)
    {
        Round = round;
        FirstId = firstId;
        _ops = new List<(bool, string)>[subscribers];
        _final = new HashSet<string>[subscribers];
        Topics = new string[messages];
        TopicBytes = new byte[messages][];
    }

    /// <summary>Draws a round's plan from <paramref name="rnd"/>.</summary>
    public static TopicPlan Create(long round, long firstId, int subscribers, int messages, Random rnd)
    {
        var plan = new TopicPlan(round, firstId, subscribers, messages);
        for (int i = 0; i < subscribers; i++)
        {
            var held = new HashSet<string>(StringComparer.Ordinal);
            var ops = new List<(bool, string)>();
            int shared = rnd.Next(1000, 3000);
            for (int k = 0; k < shared; k++) held.Add($"s{rnd.Next(SharedPool):D4}.");
            for (int k = 0; k < UniquePerSubscriber; k++) held.Add($"u{firstId + i}.{k:D3}.");
            for (int k = 0; k < 3; k++) held.Add($"s{rnd.Next(SharedPool / 100):D2}");
            foreach (var p in held) ops.Add((true, p));
            // Cancel about a tenth, some of them shared with other subscribers (their count must only go down by one).
            foreach (var p in held.Where(_ => rnd.Next(10) == 0).ToList())
            {
                ops.Add((false, p));
                held.Remove(p);
            }
            plan._ops[i] = ops;
            plan._final[i] = held;
        }
        for (int s = 0; s < messages; s++)
        {
            int kind = rnd.Next(10);
            string topic = kind < 6 ? $"s{rnd.Next(SharedPool):D4}.m"
                : kind < 9 ? $"u{firstId + rnd.Next(subscribers)}.{rnd.Next(UniquePerSubscriber):D3}.m"
                : $"x{rnd.Next(SharedPool)}.m";
            plan.Topics[s] = topic;
            plan.TopicBytes[s] = System.Text.Encoding.ASCII.GetBytes(topic);
        }
        return plan;
    }

    /// <summary>Subscriber <paramref name="i"/>'s subscribes and cancels, in the order it makes them.</summary>
    public IReadOnlyList<(bool Subscribe, string Prefix)> OpsOf(int i) => _ops[i];

    /// <summary>The prefix subscriber <paramref name="i"/> announces last: once the publisher has it, every
    /// subscription and cancel before it is in effect (one connection keeps their order).</summary>
    public string SyncTopicOf(int i) => SyncTopic(FirstId + i);

    /// <summary>The sync prefix of subscriber <paramref name="id"/> (also the topic of its end-of-round marker).</summary>
    public static string SyncTopic(long id) => $"~{id}.";

    /// <summary>True if subscriber <paramref name="i"/>, after its cancels, holds a prefix of <paramref name="topic"/>.</summary>
    public bool Matches(int i, string topic)
    {
        var lookup = _final[i].GetAlternateLookup<ReadOnlySpan<char>>();
        for (int k = 1; k <= topic.Length; k++)
            if (lookup.Contains(topic.AsSpan(0, k))) return true;
        return false;
    }

    /// <summary>The messages subscriber <paramref name="i"/> must receive, in order.</summary>
    public List<int> ExpectedFor(int i)
    {
        var expected = new List<int>();
        for (int s = 0; s < Topics.Length; s++)
            if (Matches(i, Topics[s])) expected.Add(s);
        return expected;
    }
}
