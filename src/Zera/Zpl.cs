namespace Zera;

/// <summary>
/// A reader for ZPL (ZeroMQ RFC 4), the indented "name = value" text of czmq's configuration and certificate files:
/// each level indents 4 spaces, values may be quoted with " or ', '#' starts a comment. Only what certificates need:
/// a tree of names and values.
/// </summary>
/// <remarks>Stateless; the nodes it returns belong to the caller.</remarks>
internal static class Zpl
{
    /// <summary>One name, its value ("" when none), and the names indented under it.</summary>
    internal sealed class Node(string name, string value)
    {
        public string Name { get; } = name;

        public string Value { get; } = value;

        public List<Node> Children { get; } = [];

        /// <summary>The first child called <paramref name="name"/>, or null.</summary>
        public Node? Child(string name) => Children.Find(c => c.Name == name);
    }

    /// <summary>Parses ZPL text into an unnamed root whose children are the top-level names.</summary>
    /// <exception cref="InvalidDataException">The text is not ZPL (the message gives the line).</exception>
    public static Node Parse(string text)
    {
        var root = new Node("", "");
        // path[level] is the latest node at that indentation, so a line at level n hangs under path[n - 1].
        var path = new List<Node> { root };
        int lineNo = 0;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            lineNo++;
            var line = raw.TrimEnd();
            if (line.IsEmpty || line[0] == '#') continue;
            int spaces = 0;
            while (spaces < line.Length && line[spaces] == ' ') spaces++;
            if (spaces % 4 != 0) throw Error(lineNo, "indentation is not a multiple of 4 spaces");
            int level = spaces / 4;
            var rest = line[spaces..];
            int nameLength = 0;
            while (nameLength < rest.Length && IsNameChar(rest[nameLength])) nameLength++;
            if (nameLength == 0)
            {
                // A line of only a comment (after indentation) is allowed; anything else is not.
                if (rest[0] == '#') continue;
                throw Error(lineNo, $"expected a name, found '{rest[0]}'");
            }
            var name = rest[..nameLength];
            if (name[0] == '/' || name[^1] == '/') throw Error(lineNo, "a name may not start or end with '/'");
            string value = ParseValue(rest[nameLength..], lineNo);
            if (level + 1 > path.Count) throw Error(lineNo, "indented more than one level below the line above");
            var node = new Node(name.ToString(), value);
            path[level].Children.Add(node);
            path.RemoveRange(level + 1, path.Count - level - 1);
            path.Add(node);
        }
        return root;
    }

    /// <summary>The node at a slash-separated path under <paramref name="root"/> ("curve/public-key"), or null.</summary>
    public static Node? Locate(Node root, string path)
    {
        Node? node = root;
        foreach (var part in path.Split('/'))
        {
            node = node.Child(part);
            if (node == null) return null;
        }
        return node;
    }

    /// <summary>True for the characters a ZPL name may contain.</summary>
    public static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '$' or '-' or '_' or '@' or '.' or '&' or '+' or '/';

    private static string ParseValue(ReadOnlySpan<char> rest, int lineNo)
    {
        rest = rest.TrimStart();
        if (rest.IsEmpty || rest[0] == '#') return "";
        if (rest[0] != '=') throw Error(lineNo, $"expected '=' after the name, found '{rest[0]}'");
        rest = rest[1..].TrimStart();
        if (!rest.IsEmpty && rest[0] is '"' or '\'')
        {
            int end = rest[1..].IndexOf(rest[0]);
            if (end < 0) throw Error(lineNo, $"missing closing {rest[0]}");
            var after = rest[(end + 2)..].TrimStart();
            if (!after.IsEmpty && after[0] != '#') throw Error(lineNo, $"unexpected text after the value: '{after}'");
            return rest.Slice(1, end).ToString();
        }
        // An unquoted value runs to a comment or the end of the line.
        int hash = rest.IndexOf('#');
        return (hash < 0 ? rest : rest[..hash]).TrimEnd().ToString();
    }

    private static InvalidDataException Error(int lineNo, string message) => new($"ZPL line {lineNo}: {message}");
}
