using Zera.Patterns;

namespace Zera.Fuzz.Targets;

/// <summary>
/// <c>subscription-trie</c>: <see cref="PrefixTrie{TValue}"/>, the subscription matcher of SUB, XSUB, PUB and XPUB,
/// against a naive model (a dictionary of prefixes, matched by trying every one). The input is a sequence of
/// operations, each an octet (the operation in bits 0-2, the length of its prefix or topic in bits 3-7) then that many
/// bytes; config bit 0 folds those bytes into four values so that prefixes share paths, bit 1 checks every entry after
/// every operation. Operations: add (<see cref="PrefixTrie{TValue}.GetOrAdd"/> creates a value only when there is
/// none), remove, find, match (the values of every subscribed prefix of the topic, shortest first, stopping when the
/// visitor says so), any-match, and list the entries. Any difference from the model is a crash.
/// </summary>
internal sealed class SubscriptionTrieTarget : FuzzTarget
{
    private sealed class Value(int id)
    {
        public int Id { get; } = id;
    }

    public override string Name => "subscription-trie";

    public override string Description => "PrefixTrie (pub-sub matching) under random add/remove/find/match sequences, against a naive model";

    public override void Run(ReadOnlySpan<byte> input)
    {
        byte config = input.IsEmpty ? (byte)0 : input[0];
        var ops = input.IsEmpty ? default : input[1..];
        bool fold = (config & 1) != 0;
        bool checkAlways = (config & 2) != 0;
        var trie = new PrefixTrie<Value>();
        var model = new Dictionary<string, Value>(StringComparer.Ordinal);
        int nextId = 0;
        int at = 0;
        while (at < ops.Length)
        {
            byte op = ops[at++];
            int length = Math.Min(op >> 3, ops.Length - at);
            var bytes = ops.Slice(at, length).ToArray();
            at += length;
            if (fold)
            {
                for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)('a' + bytes[i] % 4);
            }
            string key = Convert.ToHexString(bytes);
            switch (op & 7)
            {
                case 0:
                case 1:
                    bool created = false;
                    var value = trie.GetOrAdd(bytes, () =>
                    {
                        created = true;
                        return new Value(nextId++);
                    });
                    if (model.TryGetValue(key, out var existing))
                    {
                        if (created || !ReferenceEquals(existing, value)) throw new FuzzInvariantException($"GetOrAdd({key}) did not return the value there");
                    }
                    else
                    {
                        if (!created) throw new FuzzInvariantException($"GetOrAdd({key}) found a value the model lacks");
                        model[key] = value;
                    }
                    break;
                case 2:
                    trie.Remove(bytes);
                    model.Remove(key);
                    break;
                case 3:
                    if (!ReferenceEquals(trie.Find(bytes), model.GetValueOrDefault(key))) throw new FuzzInvariantException($"Find({key}) differs from the model");
                    break;
                case 4:
                case 5:
                    CheckMatch(trie, model, bytes, stopAfter: (op & 1) == 0 ? int.MaxValue : op >> 3);
                    break;
                case 6:
                    bool any = Enumerable.Range(0, bytes.Length + 1).Any(n => model.ContainsKey(Convert.ToHexString(bytes, 0, n)));
                    if (trie.AnyMatch(bytes) != any) throw new FuzzInvariantException($"AnyMatch({key}) says {!any}");
                    break;
                default:
                    CheckEntries(trie, model);
                    break;
            }
            if (checkAlways) CheckEntries(trie, model);
        }
        CheckEntries(trie, model);
        // Removing everything leaves nothing behind.
        foreach (var key in model.Keys.ToList()) trie.Remove(Convert.FromHexString(key));
        if (trie.Entries().Any()) throw new FuzzInvariantException("entries left after removing every prefix");
    }

    private static void CheckMatch(PrefixTrie<Value> trie, Dictionary<string, Value> model, byte[] topic, int stopAfter)
    {
        var expected = new List<Value>();
        for (int n = 0; n <= topic.Length; n++)
        {
            if (model.TryGetValue(Convert.ToHexString(topic, 0, n), out var v)) expected.Add(v);
        }
        if (stopAfter < expected.Count) expected.RemoveRange(stopAfter == 0 ? 1 : stopAfter, expected.Count - (stopAfter == 0 ? 1 : stopAfter));
        var state = (Seen: new List<Value>(), StopAfter: stopAfter);
        trie.Match(topic, ref state, static (Value value, ref (List<Value> Seen, int StopAfter) s) =>
        {
            s.Seen.Add(value);
            return s.Seen.Count < s.StopAfter;
        });
        if (!state.Seen.SequenceEqual(expected))
            throw new FuzzInvariantException($"Match({Convert.ToHexString(topic)}) visited [{string.Join(",", state.Seen.Select(v => v.Id))}], expected [{string.Join(",", expected.Select(v => v.Id))}]");
    }

    private static void CheckEntries(PrefixTrie<Value> trie, Dictionary<string, Value> model)
    {
        var entries = trie.Entries().ToList();
        if (entries.Count != model.Count) throw new FuzzInvariantException($"{entries.Count} entries, the model has {model.Count}");
        foreach (var (prefix, value) in entries)
        {
            if (!model.TryGetValue(Convert.ToHexString(prefix), out var v) || !ReferenceEquals(v, value))
                throw new FuzzInvariantException($"entry {Convert.ToHexString(prefix)} is not in the model");
        }
    }

    public override IEnumerable<byte[]> Seeds()
    {
        static byte Op(int op, int length) => (byte)(op | length << 3);
        // Subscribe "", "ab", "abc", "b"; match "abcd"; unsubscribe "ab"; match again; list.
        yield return [0, Op(0, 0), Op(0, 2), .. "ab"u8, Op(0, 3), .. "abc"u8, Op(1, 1), (byte)'b', Op(4, 4), .. "abcd"u8,
            Op(2, 2), .. "ab"u8, Op(4, 4), .. "abcd"u8, Op(7, 0), Op(3, 3), .. "abc"u8, Op(6, 1), (byte)'z'];
        // Folded bytes, checks after every operation, a match stopping after the first value.
        yield return [3, Op(0, 3), 0, 1, 2, Op(0, 1), 0, Op(0, 2), 0, 1, Op(5, 1), 0, Op(5, 3), 0, 1, 2, Op(2, 1), 0, Op(2, 3), 0, 1, 2];
        // Bytes far apart widen a node's child table; removing them narrows it again.
        yield return [2, Op(0, 1), 0x00, Op(0, 1), 0xFF, Op(0, 1), 0x80, Op(2, 1), 0x00, Op(2, 1), 0xFF, Op(6, 1), 0x80, Op(7, 0)];
    }
}
