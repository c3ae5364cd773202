namespace Zera;

/// <summary>
/// zmq_proxy and zmq_proxy_steerable: moves messages between a frontend and a backend socket, in both directions
/// where the types allow (ROUTER-DEALER broker, XSUB-XPUB forwarder, PULL-PUSH streamer), each message whole, with an
/// optional capture socket that gets every frame too, and an optional control socket that steers it.
/// </summary>
/// <remarks>
/// <para>Control commands (one frame each, as libzmq): <c>PAUSE</c> stops forwarding (messages wait in the queues),
/// <c>RESUME</c> starts it again, <c>TERMINATE</c> ends the proxy, <c>STATISTICS</c> answers eight 8-byte frames
/// (libzmq's counters, see <see cref="ProxyStatistics"/>, little-endian as libzmq writes them on x86 and ARM). A REP
/// control socket gets an empty reply to every other command, as libzmq's does.</para>
/// <para>Threading: the proxy uses its sockets from the calling thread (the async form from whichever thread resumes
/// it) until it returns; nothing else may use them meanwhile. Frames are forwarded as they were received, without a
/// copy (the capture socket shares the same bytes), in bursts of up to 1,000 messages per direction.</para>
/// <para>Ending: it returns its statistics when the control socket says TERMINATE, when the sockets' context is
/// terminated, or when <c>cancellationToken</c> fires (the Guide's Ctrl-C pattern: a cancelled proxy returns, it
/// does not throw). A destination that cannot take a message is waited for, without busy-looping.</para>
/// </remarks>
public static class Proxy
{
    /// <summary>Runs the proxy on this thread until it is terminated (see <see cref="Proxy"/>); returns what it moved.</summary>
    public static ProxyStatistics Run(ZeraSocket frontend, ZeraSocket backend, ZeraSocket? capture = null,
        ZeraSocket? control = null, CancellationToken cancellationToken = default)
    {
        using var run = new ProxyRun(frontend, backend, capture, control);
        try
        {
            while (run.Step())
                run.Poller.Wait(run.Ready, Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (Exception e) when (IsEnd(e, cancellationToken))
        {
        }
        return run.Statistics;
    }

    /// <summary>Runs the proxy asynchronously until it is terminated; completes with what it moved.</summary>
    public static async Task<ProxyStatistics> RunAsync(ZeraSocket frontend, ZeraSocket backend, ZeraSocket? capture = null,
        ZeraSocket? control = null, CancellationToken cancellationToken = default)
    {
        using var run = new ProxyRun(frontend, backend, capture, control);
        try
        {
            while (run.Step())
                await run.Poller.WaitAsync(run.Ready, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsEnd(e, cancellationToken))
        {
        }
        return run.Statistics;
    }

    private static bool IsEnd(Exception e, CancellationToken cancellationToken) =>
        e is ZeraException { Kind: ErrorKind.Terminated } ||
        (e is OperationCanceledException && cancellationToken.IsCancellationRequested);
}
