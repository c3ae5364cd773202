using Zera.Core;

namespace Zera.Patterns;

/// <summary>
/// REP (RFC 28): receives one request at a time (fair-queued), keeps its envelope (the frames up to and including
/// the empty delimiter), delivers the body, and sends the reply back to the same peer with that envelope.
/// </summary>
internal sealed class RepPattern(SocketOptions options) : Pattern(options)
{
    private readonly FairQueue _fq = new();

    public override Link? LastPeer => _fq.LastFrom;

    /// <summary>True: each receive waits for the next request, one round trip after this socket's last send.</summary>
    public override bool AwaitsAnswers => true;

    private readonly List<Frame> _envelope = [];
    private Link? _replyTo;
    private bool _sendingReply;
    private bool _midRequest;
    private bool _midReply;

    public override bool Attach(Link link)
    {
        _fq.Add(link);
        return true;
    }

    public override void Detach(Link link) => _fq.Detach(link);

    public override bool TryReceive(out Frame frame)
    {
        if (_sendingReply) throw new ZeraException(ErrorKind.InvalidState, "a REP socket must send the reply before receiving the next request");
        if (_midRequest)
        {
            if (!_fq.TryReceive(out frame, out _)) return false;
            _midRequest = frame.More;
            if (!frame.More) _sendingReply = true;
            return true;
        }
        while (true)
        {
            if (!_fq.TryReceive(out frame, out var from)) return false;
            // Collect the envelope; the whole message is already in the pipe.
            ClearEnvelope();
            bool delimited = false;
            while (true)
            {
                bool more = frame.More;
                _envelope.Add(frame);
                if (frame.IsEmpty || !more)
                {
                    delimited = frame.IsEmpty && more;
                    if (!more) break;
                }
                if (delimited) break;
                from!.In.TryRead(out frame);
            }
            if (!delimited)
            {
                // No delimiter before the end of the message: not a request (RFC 28 says discard it).
                ClearEnvelope();
                continue;
            }
            from!.In.TryRead(out frame);
            _replyTo = from;
            _midRequest = frame.More;
            if (!frame.More) _sendingReply = true;
            return true;
        }
    }

    public override bool HasOut() => _sendingReply;

    public override bool ReadinessByPeek => false;

    public override bool HasIn() => !_sendingReply && _fq.HasIn();

    public override bool TrySend(ref Frame frame, bool more)
    {
        if (!_sendingReply) throw new ZeraException(ErrorKind.InvalidState, "a REP socket must receive a request before sending");
        var to = _replyTo;
        if (!_midReply)
        {
            if (to != null && !to.Out.IsReaderClosed && to.Out.CanWrite())
            {
                foreach (var e in _envelope)
                {
                    var copy = e;
                    to.Out.Write(ref copy, more: true);
                }
                _envelope.Clear();
            }
            else
            {
                to = _replyTo = null; // the requester is gone (or full): the reply is dropped
                ClearEnvelope();
            }
        }
        if (to != null) to.Out.WriteUnflushed(ref frame, more);
        else frame.Dispose();
        _midReply = more;
        if (!more)
        {
            to?.FlushNow();
            _sendingReply = false;
            _replyTo = null;
        }
        return true;
    }

    private void ClearEnvelope()
    {
        foreach (var f in _envelope)
        {
            var d = f;
            d.Dispose();
        }
        _envelope.Clear();
    }
}
