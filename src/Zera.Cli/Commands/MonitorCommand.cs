using System.CommandLine;
using System.Globalization;
using System.Text;

namespace Zera.Cli.Commands;

/// <summary><c>zera monitor</c>: opens a socket and prints its connection events, one per line.</summary>
public static class MonitorCommand
{
    private static readonly SocketType[] s_types = Enum.GetValues<SocketType>();

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var endpoint = CommonOptions.Endpoint();
        var type = CommonOptions.Type("pull", s_types);
        var bind = CommonOptions.Bind();
        var events = new Option<string>("--events", "-e")
        {
            Description = "Which events to print: names separated by commas (CONNECTED, CONNECT_DELAYED, CONNECT_RETRIED, " +
                          "LISTENING, BIND_FAILED, ACCEPTED, ACCEPT_FAILED, CLOSED, DISCONNECTED, MONITOR_STOPPED, " +
                          "HANDSHAKE_FAILED_NO_DETAIL, HANDSHAKE_SUCCEEDED, HANDSHAKE_FAILED_PROTOCOL, HANDSHAKE_FAILED_AUTH, ALL), " +
                          "or libzmq's mask as a number (0x... or decimal).",
            HelpName = "MASK",
            DefaultValueFactory = _ => "ALL",
        };
        var count = CommonOptions.Count("Exit after N events; 0 = until Ctrl-C.", 0, 0);
        var security = new SecurityOptions();
        var command = new Command("monitor",
            "Open a socket of --type at ENDPOINT (connect, or with --bind listen) and print each of its connection events " +
            "on one line: the event's libzmq name, the endpoint, value=N (libzmq's value), and the reason when there is one.")
        {
            endpoint, type, bind, events, count,
        };
        security.AddTo(command);
        command.SetAction((result, ct) => RunAsync(
            result.InvocationConfiguration.Output,
            result.InvocationConfiguration.Error,
            result.GetRequiredValue(endpoint),
            SocketTypeNames.Parse(result.GetRequiredValue(type), "monitor", s_types, ""),
            result.GetValue(bind),
            ParseMask(result.GetValue(events) ?? "ALL"),
            result.GetValue(count),
            security.Read(result),
            ct));
        return command;
    }

    /// <summary>libzmq's name of an event, as zmq.h spells it without the ZMQ_EVENT_ prefix.</summary>
    public static string Name(SocketEventKind kind) => kind switch
    {
        SocketEventKind.ConnectDelayed => "CONNECT_DELAYED",
        SocketEventKind.ConnectRetried => "CONNECT_RETRIED",
        SocketEventKind.BindFailed => "BIND_FAILED",
        SocketEventKind.AcceptFailed => "ACCEPT_FAILED",
        SocketEventKind.CloseFailed => "CLOSE_FAILED",
        SocketEventKind.MonitorStopped => "MONITOR_STOPPED",
        SocketEventKind.HandshakeFailedNoDetail => "HANDSHAKE_FAILED_NO_DETAIL",
        SocketEventKind.HandshakeSucceeded => "HANDSHAKE_SUCCEEDED",
        SocketEventKind.HandshakeFailedProtocol => "HANDSHAKE_FAILED_PROTOCOL",
        SocketEventKind.HandshakeFailedAuth => "HANDSHAKE_FAILED_AUTH",
        _ => kind.ToString().ToUpperInvariant(),
    };

    /// <summary>An event mask as --events takes it: names separated by commas, or libzmq's mask as a number.</summary>
    internal static SocketEventKind ParseMask(string text)
    {
        text = text.Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? int.TryParse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int mask)
                : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out mask))
            return (SocketEventKind)mask;
        var known = Enum.GetValues<SocketEventKind>().Where(k => k != SocketEventKind.None).ToDictionary(Name, StringComparer.OrdinalIgnoreCase);
        var result = SocketEventKind.None;
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!known.TryGetValue(name, out var kind))
                throw new CliException($"--events: unknown event '{name}' (one of {string.Join(", ", known.Keys)})");
            result |= kind;
        }
        return result;
    }

    private static async Task<int> RunAsync(TextWriter stdout, TextWriter stderr, string endpoint, SocketType type,
        bool bind, SocketEventKind mask, long count, SecuritySettings security,
        CancellationToken ct)
    {
        IAsyncEnumerator<SocketEvent>? events = null;
        ValueTask<bool> first = default;
        // The monitor is in place before the socket binds or connects, so the first events are not missed.
        await using var host = new SocketHost(type, endpoint, bind, stderr, s =>
        {
            s.Linger = 0;
            events = s.MonitorAsync(mask, ct).GetAsyncEnumerator(ct);
            first = events.MoveNextAsync();
        }, security);
        long printed = 0;
        try
        {
            for (var next = first; await next.ConfigureAwait(false); next = events!.MoveNextAsync())
            {
                stdout.WriteLine(Format(events!.Current));
                if (count > 0 && ++printed >= count) break;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        finally
        {
            if (events != null) await events.DisposeAsync().ConfigureAwait(false);
        }
        return ExitCodes.Ok;
    }

    /// <summary>One event as this command prints it.</summary>
    internal static string Format(SocketEvent e)
    {
        var line = new StringBuilder($"{Name(e.Kind)} {e.Endpoint} value={e.Value.ToString(CultureInfo.InvariantCulture)}");
        if (e.Reason != null) line.Append(" reason=").Append(e.Reason.Replace('\n', ' '));
        return line.ToString();
    }
}
