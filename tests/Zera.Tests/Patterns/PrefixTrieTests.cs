using Zera.Patterns;

namespace Zera.Tests.Patterns;

/// <summary>The subscription trie on its own, no sockets: prefixes, matching along a topic, pruning.</summary>
public class PrefixTrieTests
{
    private sealed class Box(string name)
    {
        public string Name { get; } = name;
    }

    private static List<string> Matches(PrefixTrie<Box> trie, string topic)
    {
        var seen = new List<string>();
        trie.Match(System.Text.Encoding.ASCII.GetBytes(topic), ref seen, static (box, ref list) =>
        {
            list.Add(box.Name);
            return true;
        });
        return seen;
    }

    [Fact]
    public void EveryPrefixOfTheTopicMatchesShortestFirst()
    {
        var trie = new PrefixTrie<Box>();
        foreach (var p in new[] { "", "we", "weather", "weather.paris", "wx", "sports" })
            trie.GetOrAdd(System.Text.Encoding.ASCII.GetBytes(p), () => new Box(p));
        Assert.Equal(["", "we", "weather"], Matches(trie, "weather.oslo"));
        Assert.Equal(["", "we", "weather", "weather.paris"], Matches(trie, "weather.paris 21C"));
        Assert.Equal([""], Matches(trie, "w"));
        Assert.True(trie.AnyMatch("anything"u8));
    }

    [Fact]
    public void GetOrAddReturnsTheSameValueAndFindSeesOnlyExactPrefixes()
    {
        var trie = new PrefixTrie<Box>();
        var a = trie.GetOrAdd("abc"u8, () => new Box("abc"));
        Assert.Same(a, trie.GetOrAdd("abc"u8, () => new Box("other")));
        Assert.Same(a, trie.Find("abc"u8));
        Assert.Null(trie.Find("ab"u8));
        Assert.Null(trie.Find("abcd"u8));
        Assert.False(trie.AnyMatch("ab"u8));
        Assert.True(trie.AnyMatch("abcd"u8));
    }

    [Fact]
    public void RemoveLeavesLongerAndShorterPrefixesAndPrunesEmptyNodes()
    {
        var trie = new PrefixTrie<Box>();
        foreach (var p in new[] { "a", "ab", "abc" }) trie.GetOrAdd(System.Text.Encoding.ASCII.GetBytes(p), () => new Box(p));
        trie.Remove("ab"u8);
        Assert.Equal(["a", "abc"], Matches(trie, "abcd"));
        trie.Remove("abc"u8);
        trie.Remove("a"u8);
        trie.Remove("zzz"u8); // not there: nothing happens
        Assert.Empty(Matches(trie, "abcd"));
        Assert.Empty(trie.Entries());
    }

    [Fact]
    public void EntriesListsEveryPrefixOnce()
    {
        var trie = new PrefixTrie<Box>();
        string[] prefixes = ["", "x", "xy", "q\0r"];
        foreach (var p in prefixes) trie.GetOrAdd(System.Text.Encoding.ASCII.GetBytes(p), () => new Box(p));
        Assert.Equal(prefixes.Order(), trie.Entries().Select(e => System.Text.Encoding.ASCII.GetString(e.Prefix)).Order());
        Assert.All(trie.Entries(), e => Assert.Equal(System.Text.Encoding.ASCII.GetString(e.Prefix), e.Value.Name));
    }

    /// <summary>With 100,000 subscriptions a topic still walks only its own bytes.</summary>
    [Fact]
    public void ManySubscriptionsMatchOnlyAlongTheTopic()
    {
        var trie = new PrefixTrie<Box>();
        for (int i = 0; i < 100_000; i++) trie.GetOrAdd(System.Text.Encoding.ASCII.GetBytes($"topic.{i}"), () => new Box("t"));
        Assert.Equal(5, Matches(trie, "topic.12345").Count); // topic.1, .12, .123, .1234, .12345
        Assert.Equal(5, Matches(trie, "topic.123456x").Count); // the same five: topic.123456 is not subscribed (< 100,000)
        Assert.Equal(2, Matches(trie, "topic.99x").Count);     // topic.9, topic.99
        Assert.Empty(Matches(trie, "other"));
    }

    /// <summary>Children over the whole byte range, added and removed in random order (each node's table widens and
    /// narrows to the bytes in use): the trie always agrees with a plain set of prefixes.</summary>
    [Fact]
    public void AgreesWithASetOfPrefixesThroughRandomAddsAndRemoves()
    {
        var trie = new PrefixTrie<Box>();
        var model = new HashSet<string>();
        var random = new Random(20261201);
        byte[] alphabet = [0x00, 0x01, (byte)'a', (byte)'m', (byte)'z', 0x7F, 0x80, 0xFE, 0xFF];
        string Key(byte[] p) => Convert.ToHexString(p);
        for (int step = 0; step < 20_000; step++)
        {
            var prefix = new byte[random.Next(0, 4)];
            for (int i = 0; i < prefix.Length; i++) prefix[i] = alphabet[random.Next(alphabet.Length)];
            if (random.Next(3) == 0)
            {
                trie.Remove(prefix);
                model.Remove(Key(prefix));
            }
            else
            {
                trie.GetOrAdd(prefix, () => new Box(Key(prefix)));
                model.Add(Key(prefix));
            }
            Assert.Equal(model.Contains(Key(prefix)), trie.Find(prefix) is not null);
            var topic = new byte[4];
            for (int i = 0; i < topic.Length; i++) topic[i] = alphabet[random.Next(alphabet.Length)];
            var expected = Enumerable.Range(0, topic.Length + 1).Select(n => Key(topic[..n])).Where(model.Contains).ToList();
            var seen = new List<string>();
            trie.Match(topic, ref seen, static (box, ref list) =>
            {
                list.Add(box.Name);
                return true;
            });
            Assert.Equal(expected, seen);
            Assert.Equal(expected.Count > 0, trie.AnyMatch(topic));
        }
        Assert.Equal(model.Order(), trie.Entries().Select(e => Key(e.Prefix)).Order());
        foreach (var key in model) trie.Remove(Convert.FromHexString(key));
        Assert.Empty(trie.Entries());
    }
}
