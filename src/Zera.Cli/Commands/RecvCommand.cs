using System.CommandLine;
using Zera.Cli.Text;

namespace Zera.Cli.Commands;

/// <summary><c>zera recv</c>: receives messages and prints one per line.</summary>
public static class RecvCommand
{
    private static readonly SocketType[] s_types = [SocketType.Pull, SocketType.Pair, SocketType.Dealer, SocketType.Router];

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var endpoint = CommonOptions.Endpoint();
        var type = CommonOptions.Type("pull", s_types);
        var bind = CommonOptions.Bind();
        var routingId = CommonOptions.RoutingId();
        var count = CommonOptions.Count("Exit after N messages; 0 = no limit.", 0, 0);
        var timeout = CommonOptions.Timeout(
            "Give up when no message arrives for MS milliseconds: exit code 2 if no message came at all or fewer " +
            "than --count did; with no --count, a timeout after some messages ends normally. -1 = wait forever.");
        var command = new Command("recv",
            "Receive messages and print each on one line, its frames separated by a TAB. A frame that is printable " +
            "UTF-8 prints as text, any other as 0x followed by hex digits, an empty frame as nothing. A ROUTER prints " +
            "the sender's routing id as the first frame.")
        {
            endpoint, type, bind, count, timeout, routingId,
        };
        command.SetAction((result, ct) => RunAsync(
            result.InvocationConfiguration.Output,
            result.InvocationConfiguration.Error,
            result.GetRequiredValue(endpoint),
            SocketTypeNames.Parse(result.GetRequiredValue(type), "recv", s_types,
                "; use 'zera echo' to answer requests"),
            result.GetValue(bind),
            result.GetValue(count),
            result.GetValue(timeout),
            result.GetValue(routingId),
            ct));
        return command;
    }

    private static async Task<int> RunAsync(TextWriter stdout, TextWriter stderr, string endpoint, SocketType type,
        bool bind, long count, int timeoutMs, string? routingId, CancellationToken ct)
    {
        await using var host = new SocketHost(type, endpoint, bind, stderr, s => CommonOptions.ApplyRoutingId(s, routingId));
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
                stdout.WriteLine(FrameText.FormatMessage(message));
                received++;
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
