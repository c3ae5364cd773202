using Zera.Core;
using Zera.Protocol;
using Zera.Protocol.Mechanisms;

namespace Zera.Transports;

/// <summary>How one ZAP exchange ended: a valid reply, or why there is none (<see cref="Code"/> is libzmq's
/// ZMQ_PROTOCOL_ERROR_ZAP_* value for a reply that does not parse, 0 when the handler went away unanswered).</summary>
internal readonly record struct ZapOutcome(ZapReply? Reply, int Code, string? Error);

/// <summary>
/// One ZAP request (RFC 27) from a connection's handshake to the handler bound at <c>inproc://zeromq.zap.01</c> in
/// the socket's context, as libzmq's session makes it: a pipe pair of its own joined to the handler socket (a REP or
/// a ROUTER), one request out, one reply back, then the pipes close. Nothing waits on a thread: the reply arrives on
/// the handler's thread through the pipe's wake-up and completes <see cref="Completion"/>; a reply that never comes
/// leaves the handshake to its HANDSHAKE_IVL.
/// </summary>
/// <remarks>Thread-safe: the pipe's reader side is used under a lock, from the starting thread and from the
/// handler's writes; <see cref="Cancel"/> may come from any thread.</remarks>
internal sealed class ZapClient : IPipeEvents
{
    /// <summary>The inproc name every ZAP handler binds.</summary>
    public const string HandlerName = "zeromq.zap.01";

    private static long s_nextId;

    private readonly Link _link;
    private readonly string _requestId;
    private readonly Lock _lock = new();
    private readonly List<byte[]> _frames = [];
    private readonly TaskCompletionSource<ZapOutcome> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ZapClient(Link link, string requestId)
    {
        _link = link;
        _requestId = requestId;
    }

    /// <summary>Completes with the handler's reply, checked (or why there is none).</summary>
    public Task<ZapOutcome> Completion => _completion.Task;

    /// <summary>A request id unique in this process (the reply must echo it).</summary>
    public static string NextRequestId() => Interlocked.Increment(ref s_nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Sends <paramref name="frames"/> (a request built by <see cref="ZapMessages.BuildRequest"/> with
    /// <paramref name="requestId"/>) to the handler; null when no handler is bound, or when what is bound there is
    /// not a REP or ROUTER socket.</summary>
    public static ZapClient? Start(InprocRegistry registry, byte[][] frames, string requestId)
    {
        var link = registry.ConnectInternal(HandlerName, SocketType.Dealer, out var handlerType);
        if (link == null) return null;
        if (handlerType is not (SocketType.Rep or SocketType.Router))
        {
            link.CloseFromSocket();
            return null;
        }
        var client = new ZapClient(link, requestId);
        link.In.ReaderEvents = client;
        link.Out.WriterEvents = client;
        for (int i = 0; i < frames.Length; i++)
        {
            var f = Frame.Wrap(frames[i]);
            link.Out.Write(ref f, more: i < frames.Length - 1);
        }
        client.Poll(); // arms the wake-up for the reply (or takes one already there)
        return client;
    }

    /// <summary>Gives up waiting (the connection ended): the pipes close and the handler forgets this peer.</summary>
    public void Cancel() => Complete(new ZapOutcome(null, 0, "cancelled"));

    void IPipeEvents.OnReadable(Pipe pipe) => Poll();

    void IPipeEvents.OnWritable(Pipe pipe)
    {
        // No high-water mark: the request never waits for room.
    }

    private void Poll()
    {
        ZapOutcome? outcome = null;
        lock (_lock)
        {
            if (_completion.Task.IsCompleted) return;
            while (_link.In.TryRead(out var f))
            {
                _frames.Add(f.ToArray());
                bool last = !f.More;
                f.Dispose();
                if (!last) continue;
                var reply = ZapMessages.ParseReply(_frames, _requestId, out int code, out string error);
                outcome = new ZapOutcome(reply, code, reply == null ? error : null);
                break;
            }
            if (outcome == null && _link.In.IsFinished)
                outcome = new ZapOutcome(null, 0, "the ZAP handler went away without answering");
        }
        if (outcome is { } o) Complete(o);
    }

    private void Complete(ZapOutcome outcome)
    {
        if (!_completion.TrySetResult(outcome)) return;
        lock (_lock) _link.CloseFromSocket(); // its reader side drains: not while Poll reads
    }
}
