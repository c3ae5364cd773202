using System.CommandLine;
using Zera.Cli.Text;

namespace Zera.Cli.Commands;

/// <summary><c>zera send</c>: sends one message (or one per line of stdin), N times.</summary>
public static class SendCommand
{
    private static readonly SocketType[] s_types =
        [SocketType.Push, SocketType.Req, SocketType.Dealer, SocketType.Pair, SocketType.Router, SocketType.Pub, SocketType.XPub, SocketType.XSub];

    /// <summary>How long a ROUTER waits between attempts to reach a peer that has not connected yet.</summary>
    private static readonly TimeSpan s_routerRetry = TimeSpan.FromMilliseconds(20);

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var endpoint = CommonOptions.Endpoint();
        var frames = new Argument<string[]>("FRAME")
        {
            Description = "The frames of the message: text, or 0x followed by hex digits for binary (\"\" or 0x is an " +
                          "empty frame). With none, each line of stdin is sent as a one-frame message (same syntax). " +
                          "For a ROUTER the first FRAME is the routing id of the peer to send to. A FRAME that begins with '-' " +
                          "goes after '--' (zera send EP -- -x); before it, such a word is an option, and an unknown " +
                          "one is an error.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var type = CommonOptions.Type("push", s_types);
        var bind = CommonOptions.Bind();
        var routingId = CommonOptions.RoutingId();
        var count = CommonOptions.Count("Send the message N times (each stdin line N times).", 1, 1);
        var linger = CommonOptions.Milliseconds("--linger",
            "At exit, how long undelivered messages may wait for a peer: -1 = until delivered, 0 = drop them.", -1);
        var timeout = CommonOptions.Timeout(
            "Give up (exit code 2) when a message cannot be queued, a REQ's reply does not come, or a ROUTER's peer " +
            "does not appear within MS milliseconds. -1 = wait forever.");
        var security = new SecurityOptions();
        var command = new Command("send",
            "Send a message made of the FRAMEs. A REQ socket waits for each reply and prints it as 'zera recv' does. " +
            "A PUB (or XPUB) publishes: subscribers that are not connected and subscribed yet miss what is sent before; " +
            "with no FRAME each line of stdin is published as it arrives, until the end of input.")
        {
            endpoint, frames, type, bind, count, linger, timeout, routingId,
        };
        security.AddTo(command);
        command.SetAction((result, ct) =>
        {
            var socketType = SocketTypeNames.Parse(result.GetRequiredValue(type), "send", s_types,
                "; use 'zera recv' or 'zera echo' to receive");
            var parsed = (result.GetValue(frames) ?? []).Select(FrameText.Parse).ToList();
            return RunAsync(new SendJob(
                result.InvocationConfiguration.Output,
                result.InvocationConfiguration.Error,
                result.GetRequiredValue(endpoint),
                socketType,
                result.GetValue(bind),
                parsed,
                result.GetValue(count),
                result.GetValue(linger),
                result.GetValue(timeout),
                result.GetValue(routingId),
                security.Read(result)), ct);
        });
        return command;
    }

    private sealed record SendJob(TextWriter Stdout, TextWriter Stderr, string Endpoint, SocketType Type, bool Bind,
        List<byte[]> Frames, long Count, int Linger, int TimeoutMs, string? RoutingId, SecuritySettings Security);

    private static async Task<int> RunAsync(SendJob job, CancellationToken ct)
    {
        // A ROUTER's first frame names the peer; the rest (or each stdin line) is the message.
        byte[]? peerId = null;
        var body = job.Frames;
        if (job.Type == SocketType.Router)
        {
            if (body.Count == 0)
                throw new CliException("a ROUTER needs the routing id of the peer as its first FRAME");
            peerId = body[0];
            body = body[1..];
        }

        await using var host = new SocketHost(job.Type, job.Endpoint, job.Bind, job.Stderr, s =>
        {
            s.Linger = job.Linger;
            CommonOptions.ApplyRoutingId(s, job.RoutingId);
            if (job.Type == SocketType.Router) s.RouterMandatory = true;
        }, job.Security);
        try
        {
            var messages = body.Count > 0 ? Once(body) : StdinLines(ct);
            await foreach (var message in messages.ConfigureAwait(false))
            {
                var frames = peerId == null ? message : [peerId, .. message];
                for (long i = 0; i < job.Count; i++)
                {
                    int rc = await SendOneAsync(host.Socket, job, frames, ct).ConfigureAwait(false);
                    if (rc != ExitCodes.Ok) return rc;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        await host.CloseAsync(ct).ConfigureAwait(false);
        return ct.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Ok;
    }

    private static async Task<int> SendOneAsync(ZeraSocket socket, SendJob job, List<byte[]> frames, CancellationToken ct)
    {
        bool sent = job.Type == SocketType.Router
            ? await SendToPeerAsync(socket, frames, job.TimeoutMs, ct).ConfigureAwait(false)
            : await MessageIo.SendAsync(socket, frames, job.TimeoutMs, ct).ConfigureAwait(false);
        if (!sent)
        {
            job.Stderr.WriteLine(job.Type == SocketType.Router
                ? $"zera: no peer with routing id {FrameText.Format(frames[0])} within {job.TimeoutMs} ms"
                : $"zera: the message could not be sent within {job.TimeoutMs} ms (no peer took it)");
            return ExitCodes.Timeout;
        }
        if (job.Type != SocketType.Req) return ExitCodes.Ok;
        var reply = await MessageIo.ReceiveAsync(socket, job.TimeoutMs, ct).ConfigureAwait(false);
        if (reply == null)
        {
            job.Stderr.WriteLine($"zera: no reply within {job.TimeoutMs} ms");
            return ExitCodes.Timeout;
        }
        job.Stdout.WriteLine(FrameText.FormatMessage(reply));
        return ExitCodes.Ok;
    }

    /// <summary>A ROUTER (with ROUTER_MANDATORY) refuses a message for a peer it does not know yet; a peer that is
    /// still connecting is given until the timeout to appear.</summary>
    private static async Task<bool> SendToPeerAsync(ZeraSocket socket, List<byte[]> frames, int timeoutMs, CancellationToken ct)
    {
        long deadline = timeoutMs < 0 ? long.MaxValue : Environment.TickCount64 + timeoutMs;
        while (true)
        {
            try
            {
                int left = timeoutMs < 0 ? -1 : (int)Math.Max(0, deadline - Environment.TickCount64);
                return await MessageIo.SendAsync(socket, frames, left, ct).ConfigureAwait(false);
            }
            catch (ZeraException e) when (e.Kind == ErrorKind.HostUnreachable)
            {
                if (Environment.TickCount64 >= deadline) return false;
                await Task.Delay(s_routerRetry, ct).ConfigureAwait(false);
            }
        }
    }

    private static async IAsyncEnumerable<List<byte[]>> Once(List<byte[]> frames)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield return frames;
    }

    private static async IAsyncEnumerable<List<byte[]>> StdinLines([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        // Console.In reads synchronously whatever the method's name; a thread-pool read keeps this method
        // asynchronous, so that Ctrl-C still cancels it.
        var stdin = Console.In;
        while (await Task.Run(stdin.ReadLine, CancellationToken.None).WaitAsync(ct).ConfigureAwait(false) is { } line)
            yield return [FrameText.Parse(line)];
    }
}
