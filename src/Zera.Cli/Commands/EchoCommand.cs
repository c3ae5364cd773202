using System.CommandLine;
using Zera.Cli.Text;

namespace Zera.Cli.Commands;

/// <summary><c>zera echo</c>: a reply server that sends every message back unchanged.</summary>
public static class EchoCommand
{
    private static readonly SocketType[] s_types = [SocketType.Rep, SocketType.Router, SocketType.Dealer, SocketType.Pair];

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var endpoint = CommonOptions.Endpoint();
        var type = CommonOptions.Type("rep", s_types);
        var bind = CommonOptions.Bind();
        var routingId = CommonOptions.RoutingId();
        var count = CommonOptions.Count("Exit after echoing N messages; 0 = no limit.", 0, 0);
        var timeout = CommonOptions.Timeout(
            "Give up when no message arrives for MS milliseconds (exit code 2 if fewer than --count were echoed, " +
            "or none at all with no --count). -1 = wait forever.");
        var quiet = CommonOptions.Quiet("Do not print the messages echoed (by default each is printed as 'zera recv' does).");
        var security = new SecurityOptions();
        var command = new Command("echo",
            "Send every message received back unchanged: a reply server for tests and demos. A REP socket answers " +
            "each request of a REQ; a ROUTER sends each message back to the peer it came from. " +
            "When standard output is a terminal, a live progress line (messages received and sent, rate, time) is " +
            "redrawn below the output; never when it is piped.")
        {
            endpoint, type, bind, count, timeout, quiet, routingId,
        };
        security.AddTo(command);
        command.SetAction((result, ct) => ProgressLine.Around(result.InvocationConfiguration.Output,
            result.InvocationConfiguration.Error, (progress, stderr) => RunAsync(
            result.InvocationConfiguration.Output,
            stderr,
            progress,
            result.GetRequiredValue(endpoint),
            SocketTypeNames.Parse(result.GetRequiredValue(type), "echo", s_types, ""),
            result.GetValue(bind),
            result.GetValue(count),
            result.GetValue(timeout),
            result.GetValue(quiet),
            result.GetValue(routingId),
            security.Read(result),
            ct)));
        return command;
    }

    private static async Task<int> RunAsync(TextWriter stdout, TextWriter stderr, ProgressLine? progress, string endpoint, SocketType type,
        bool bind, long count, int timeoutMs, bool quiet, string? routingId,
        SecuritySettings security, CancellationToken ct)
    {
        // The last reply gets as long to leave as a message gets to arrive.
        await using var host = new SocketHost(type, endpoint, bind, stderr, s =>
        {
            s.Linger = timeoutMs;
            CommonOptions.ApplyRoutingId(s, routingId);
        }, security);
        long echoed = 0;
        try
        {
            while (count == 0 || echoed < count)
            {
                var message = await MessageIo.ReceiveAsync(host.Socket, timeoutMs, ct).ConfigureAwait(false);
                if (message == null)
                {
                    if (count == 0 && echoed > 0) break;
                    stderr.WriteLine(echoed == 0
                        ? $"zera: no message within {timeoutMs} ms"
                        : $"zera: timed out after echoing {echoed} of {count} messages (nothing for {timeoutMs} ms)");
                    return ExitCodes.Timeout;
                }
                if (!quiet) ProgressLine.WriteLine(progress, stdout, FrameText.FormatMessage(message));
                if (!await MessageIo.SendAsync(host.Socket, message, timeoutMs, ct).ConfigureAwait(false))
                {
                    stderr.WriteLine($"zera: could not send the reply within {timeoutMs} ms");
                    return ExitCodes.Timeout;
                }
                echoed++;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        await host.CloseAsync(ct).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
