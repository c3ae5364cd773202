namespace Zera.Patterns;

/// <summary>
/// A trie over bytes mapping subscription prefixes to a value (a count for SUB, the set of subscribers for PUB), so
/// that matching a message walks its topic once, whatever the number of subscriptions (libzmq's trie and mtrie).
/// </summary>
/// <remarks>Not thread-safe: used by one socket's patterns, on the socket's thread.</remarks>
internal sealed class PrefixTrie<TValue> where TValue : class
{
    private sealed class Node
    {
        public TValue? Value;
        public Dictionary<byte, Node>? Children;
    }

    private readonly Node _root = new();

    /// <summary>The value at <paramref name="prefix"/>, created by <paramref name="create"/> when there is none.</summary>
    public TValue GetOrAdd(ReadOnlySpan<byte> prefix, Func<TValue> create)
    {
        var node = _root;
        foreach (byte b in prefix)
        {
            node.Children ??= [];
            if (!node.Children.TryGetValue(b, out var next)) node.Children[b] = next = new Node();
            node = next;
        }
        return node.Value ??= create();
    }

    /// <summary>The value at exactly <paramref name="prefix"/>, or null.</summary>
    public TValue? Find(ReadOnlySpan<byte> prefix)
    {
        var node = _root;
        foreach (byte b in prefix)
        {
            if (node.Children is null || !node.Children.TryGetValue(b, out node)) return null;
        }
        return node.Value;
    }

    /// <summary>Removes the value at <paramref name="prefix"/> and prunes the nodes left empty.</summary>
    public void Remove(ReadOnlySpan<byte> prefix) => Remove(_root, prefix);

    /// <summary>Removes below <paramref name="node"/>; true when the node is left empty (the caller prunes it).</summary>
    private static bool Remove(Node node, ReadOnlySpan<byte> rest)
    {
        if (rest.IsEmpty)
        {
            node.Value = null;
        }
        else if (node.Children is not null && node.Children.TryGetValue(rest[0], out var child) && Remove(child, rest[1..]))
        {
            node.Children.Remove(rest[0]);
            if (node.Children.Count == 0) node.Children = null;
        }
        return node.Value is null && node.Children is null;
    }

    /// <summary>Calls <paramref name="visit"/> with the value of every prefix of <paramref name="topic"/> that has
    /// one, the empty prefix first; stops early when <paramref name="visit"/> returns false.</summary>
    public void Match<TState>(ReadOnlySpan<byte> topic, ref TState state, MatchVisitor<TState> visit)
    {
        var node = _root;
        int at = 0;
        while (true)
        {
            if (node.Value is not null && !visit(node.Value, ref state)) return;
            if (at == topic.Length || node.Children is null || !node.Children.TryGetValue(topic[at], out var next)) return;
            node = next;
            at++;
        }
    }

    /// <summary>True when some prefix of <paramref name="topic"/> holds a value.</summary>
    public bool AnyMatch(ReadOnlySpan<byte> topic)
    {
        var node = _root;
        int at = 0;
        while (true)
        {
            if (node.Value is not null) return true;
            if (at == topic.Length || node.Children is null || !node.Children.TryGetValue(topic[at], out var next)) return false;
            node = next;
            at++;
        }
    }

    /// <summary>Every prefix that holds a value, with its value.</summary>
    public IEnumerable<(byte[] Prefix, TValue Value)> Entries()
    {
        var stack = new Stack<(Node Node, byte[] Prefix)>();
        stack.Push((_root, []));
        while (stack.Count > 0)
        {
            var (node, prefix) = stack.Pop();
            if (node.Value is not null) yield return (prefix, node.Value);
            if (node.Children is null) continue;
            foreach (var (b, child) in node.Children) stack.Push((child, [.. prefix, b]));
        }
    }

    public delegate bool MatchVisitor<TState>(TValue value, ref TState state);
}
