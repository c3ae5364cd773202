using System.CommandLine;
using Zera.Cli.Text;

namespace Zera.Cli.Commands;

/// <summary><c>zera recv</c>: receives messages and prints one per line.</summary>
public static class RecvCommand
{
    private static readonly SocketType[] s_types =
        [SocketType.Pull, SocketType.Pair, SocketType.Dealer, SocketType.Router, SocketType.Sub, SocketType.XSub, SocketType.XPub];

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var endpoint = CommonOptions.Endpoint();
        var type = CommonOptions.Type("pull", s_types);
        var bind = CommonOptions.Bind();
        var routingId = CommonOptions.RoutingId();
        var subscribe = new Option<string[]>("--subscribe", "-s")
        {
            Description = "For --type sub or xsub: receive the messages whose first frame starts with PREFIX (text, or " +
                          "0x-hex for binary); repeat for several. None means everything.",
            HelpName = "PREFIX",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var count = CommonOptions.Count("Exit after N messages; 0 = no limit.", 0, 0);
        var stats = StatsPrinter.Option();
        var timeout = CommonOptions.Timeout(
            "Give up when no message arrives for MS milliseconds: exit code 2 if no message came at all or fewer " +
            "than --count did; with no --count, a timeout after some messages ends normally. -1 = wait forever.");
        var events = new Option<string>("--events", "-e")
        {
            Description = "Also print the socket's connection events on stderr, one per line as 'zera monitor' prints " +
                          "them after 'zera: event ': names separated by commas (ACCEPTED, ACCEPT_FAILED, " +
                          "HANDSHAKE_SUCCEEDED, DISCONNECTED, ..., ALL), or libzmq's mask as a number.",
            HelpName = "MASK",
        };
        var security = new SecurityOptions();
        var command = new Command("recv",
            "Receive messages and print each on one line, its frames separated by a TAB. A frame that is printable " +
            "UTF-8 prints as text, any other as 0x followed by hex digits, an empty frame as nothing. A ROUTER prints " +
            "the sender's routing id as the first frame. An XPUB prints each subscription message it gets " +
            "(0x01 then the prefix to subscribe, 0x00 to cancel). " +
            "When standard output is a terminal, a live progress line (messages received and sent, rate, time) is " +
            "redrawn below the output; never when it is piped.")
        {
            endpoint, type, bind, count, timeout, routingId, subscribe, stats, events,
        };
        security.AddTo(command);
        command.SetAction((result, ct) =>
        {
            var socketType = SocketTypeNames.Parse(result.GetRequiredValue(type), "recv", s_types,
                "; use 'zera echo' to answer requests");
            var prefixes = (result.GetValue(subscribe) ?? []).Select(FrameText.Parse).ToList();
            if (prefixes.Count > 0 && socketType is not (SocketType.Sub or SocketType.XSub))
                throw new CliException($"--subscribe: only a sub or xsub socket subscribes (this is {SocketTypeNames.Name(socketType)})");
            var securitySettings = security.Read(result);
            var eventMask = result.GetValue(events) is { } mask ? MonitorCommand.ParseMask(mask) : SocketEventKind.None;
            var stdout = result.InvocationConfiguration.Output;
            return ProgressLine.Around(stdout, result.InvocationConfiguration.Error, (progress, stderr) =>
                StatsPrinter.Around(result.GetValue(stats), stderr, () => RunAsync(
                stdout,
                stderr,
                progress,
                result.GetRequiredValue(endpoint),
                socketType,
                result.GetValue(bind),
                result.GetValue(count),
                result.GetValue(timeout),
                result.GetValue(routingId),
                prefixes,
                securitySettings,
                eventMask,
                ct)));
        });
        return command;
    }

    private static async Task<int> RunAsync(TextWriter stdout, TextWriter stderr, ProgressLine? progress, string endpoint, SocketType type,
        bool bind, long count, int timeoutMs, string? routingId, List<byte[]> prefixes,
        SecuritySettings security, SocketEventKind eventMask, CancellationToken ct)
    {
        using var stopEvents = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task? eventPump = null;
        await using var host = new SocketHost(type, endpoint, bind, stderr, s =>
        {
            // The monitor is in place before the socket binds or connects, so the first events are not missed.
            if (eventMask != SocketEventKind.None) eventPump = PrintEventsAsync(s.MonitorAsync(eventMask, stopEvents.Token), stderr);
            CommonOptions.ApplyRoutingId(s, routingId);
            if (type is SocketType.Sub or SocketType.XSub)
            {
                if (prefixes.Count == 0) s.Subscribe("");
                foreach (var prefix in prefixes) s.Subscribe(prefix);
            }
        }, security);
        long received = 0;
        try
        {
            while (count == 0 || received < count)
            {
                var message = await MessageIo.ReceiveAsync(host.Socket, timeoutMs, ct).ConfigureAwait(false);
                if (message == null)
                {
                    if (count == 0 && received > 0) break;
                    stderr.WriteLine(received == 0
                        ? $"zera: no message within {timeoutMs} ms"
                        : $"zera: timed out after {received} of {count} messages (nothing for {timeoutMs} ms)");
                    return ExitCodes.Timeout;
                }
                ProgressLine.WriteLine(progress, stdout, FrameText.FormatMessage(message));
                received++;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        finally
        {
            await stopEvents.CancelAsync().ConfigureAwait(false);
            if (eventPump != null) await eventPump.ConfigureAwait(false);
        }
        await host.CloseAsync(ct).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private static async Task PrintEventsAsync(IAsyncEnumerable<SocketEvent> events, TextWriter stderr)
    {
        try
        {
            await foreach (var e in events.ConfigureAwait(false)) stderr.WriteLine("zera: event " + MonitorCommand.Format(e));
        }
        catch (OperationCanceledException)
        {
            // The command ended.
        }
    }
}
