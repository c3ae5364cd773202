namespace Zera.Cli.Commands;

/// <summary>Socket type names as the tool spells them (lowercase, as in libzmq's ZMQ_PUSH etc.).</summary>
public static class SocketTypeNames
{
    private static readonly Dictionary<string, SocketType> s_byName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["pair"] = SocketType.Pair,
        ["pub"] = SocketType.Pub,
        ["sub"] = SocketType.Sub,
        ["req"] = SocketType.Req,
        ["rep"] = SocketType.Rep,
        ["dealer"] = SocketType.Dealer,
        ["router"] = SocketType.Router,
        ["pull"] = SocketType.Pull,
        ["push"] = SocketType.Push,
        ["xpub"] = SocketType.XPub,
        ["xsub"] = SocketType.XSub,
    };

    /// <summary>The lowercase name of <paramref name="type"/>.</summary>
    public static string Name(SocketType type) => type.ToString().ToLowerInvariant();

    /// <summary>Parses <paramref name="name"/> and checks that <paramref name="command"/> can use that type.</summary>
    /// <exception cref="CliException">For an unknown name or a type the command cannot use, with a hint.</exception>
    public static SocketType Parse(string name, string command, IReadOnlyCollection<SocketType> allowed, string hint)
    {
        string list = string.Join(", ", allowed.Select(Name));
        if (!s_byName.TryGetValue(name.Trim(), out var type))
            throw new CliException($"--type '{name}': unknown socket type ({command} takes {list})");
        if (!allowed.Contains(type))
            throw new CliException($"--type {Name(type)}: {command} cannot use a {Name(type).ToUpperInvariant()} socket ({command} takes {list}){hint}");
        return type;
    }
}
