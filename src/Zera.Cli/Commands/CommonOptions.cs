using System.CommandLine;

namespace Zera.Cli.Commands;

/// <summary>The arguments and options that send, recv and echo share. Each call makes a new instance, since a
/// System.CommandLine symbol belongs to one command.</summary>
public static class CommonOptions
{
    /// <summary>The endpoint to connect to (or bind with --bind).</summary>
    public static Argument<string> Endpoint() => new("ENDPOINT")
    {
        Description = "Where to connect, or with --bind where to listen: tcp://HOST:PORT, ipc:///PATH, ipc://@NAME " +
                      "(abstract), inproc://NAME. When binding, PORT may be * for an ephemeral port (printed on stderr).",
    };

    /// <summary>--type with the command's default type.</summary>
    public static Option<string> Type(string defaultType, IEnumerable<SocketType> allowed) => new("--type", "-t")
    {
        Description = $"Socket type: {string.Join(", ", allowed.Select(SocketTypeNames.Name))}.",
        HelpName = "TYPE",
        DefaultValueFactory = _ => defaultType,
    };

    /// <summary>--bind: listen on the endpoint instead of connecting to it.</summary>
    public static Option<bool> Bind() => new("--bind", "-b")
    {
        Description = "Bind (listen on) ENDPOINT instead of connecting to it.",
    };

    /// <summary>--count with a default and a lower bound.</summary>
    public static Option<long> Count(string description, long defaultValue, long minimum) =>
        Numbers.Option("--count", "-n", description, "N", defaultValue, minimum);

    /// <summary>--timeout in milliseconds; -1 means wait forever.</summary>
    public static Option<int> Timeout(string description) => Milliseconds("--timeout", description, -1);

    /// <summary>An option in milliseconds, -1 or more (-1 = no limit).</summary>
    public static Option<int> Milliseconds(string name, string description, int defaultValue) =>
        Numbers.Option(name, null, description, "MS", defaultValue, -1);

    /// <summary>--routing-id: the id the socket announces to its peers (frame syntax).</summary>
    public static Option<string?> RoutingId() => new("--routing-id", "-i")
    {
        Description = "The routing id this socket announces to its peers (REQ, DEALER, ROUTER; 1 to 255 bytes, text " +
                      "or 0x-hex, not starting with a zero byte), so that a ROUTER can address it by name.",
        HelpName = "ID",
    };

    /// <summary>Applies <paramref name="routingId"/> (frame syntax) to <paramref name="socket"/> when given.</summary>
    public static void ApplyRoutingId(ZeraSocket socket, string? routingId)
    {
        if (routingId == null) return;
        try
        {
            socket.RoutingId = Text.FrameText.Parse(routingId);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--routing-id '{routingId}': {Text.ArgumentText.Reason(e)}");
        }
    }

    /// <summary>--quiet: print nothing on stdout.</summary>
    public static Option<bool> Quiet(string description) => new("--quiet", "-q") { Description = description };
}
