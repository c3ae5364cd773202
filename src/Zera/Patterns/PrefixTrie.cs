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

        // The children, indexed by byte minus Min: a table spanning only the bytes in use, so a step along a topic
        // is one bounds check and one load (libzmq's mtrie does the same); a Dictionary per node cost a hash lookup
        // per byte of every topic matched.
        public Node?[]? Children;
        public byte Min;
        public int Count;

        public Node? Child(byte b)
        {
            var table = Children;
            if (table is null) return null;
            uint i = (uint)(b - Min);
            return i < (uint)table.Length ? table[i] : null;
        }

        public Node AddChild(byte b)
        {
            if (Children is null)
            {
                Children = new Node?[1];
                Min = b;
            }
            else if (b < Min || b - Min >= Children.Length)
            {
                // Widen the table to cover b.
                int min = Math.Min(b, Min), max = Math.Max(b, Min + Children.Length - 1);
                var wider = new Node?[max - min + 1];
                Children.CopyTo(wider, Min - min);
                Children = wider;
                Min = (byte)min;
            }
            Count++;
            return Children[b - Min] = new Node();
        }

        public void RemoveChild(byte b)
        {
            Children![b - Min] = null;
            if (--Count == 0)
            {
                Children = null;
                return;
            }
            // Narrow the table to the bytes still in use.
            int first = 0, last = Children.Length - 1;
            while (Children[first] is null) first++;
            while (Children[last] is null) last--;
            if (first == 0 && last == Children.Length - 1) return;
            Children = Children[first..(last + 1)];
            Min = (byte)(Min + first);
        }
    }

    private readonly Node _root = new();

    /// <summary>The value at <paramref name="prefix"/>, created by <paramref name="create"/> when there is none.</summary>
    public TValue GetOrAdd(ReadOnlySpan<byte> prefix, Func<TValue> create)
    {
        var node = _root;
        foreach (byte b in prefix) node = node.Child(b) ?? node.AddChild(b);
        return node.Value ??= create();
    }

    /// <summary>The value at exactly <paramref name="prefix"/>, or null.</summary>
    public TValue? Find(ReadOnlySpan<byte> prefix)
    {
        var node = _root;
        foreach (byte b in prefix)
        {
            node = node.Child(b);
            if (node is null) return null;
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
        else if (node.Child(rest[0]) is { } child && Remove(child, rest[1..]))
        {
            node.RemoveChild(rest[0]);
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
            if (at == topic.Length || node.Child(topic[at]) is not { } next) return;
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
            if (at == topic.Length || node.Child(topic[at]) is not { } next) return false;
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
            if (node.Children is not { } table) continue;
            for (int i = 0; i < table.Length; i++)
            {
                if (table[i] is { } child) stack.Push((child, [.. prefix, (byte)(node.Min + i)]));
            }
        }
    }

    public delegate bool MatchVisitor<TState>(TValue value, ref TState state);
}
