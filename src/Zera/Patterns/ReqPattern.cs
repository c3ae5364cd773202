using Zera.Core;

namespace Zera.Patterns;

/// <summary>
/// REQ (RFC 28): sends a request (prefixed by an empty delimiter, and by a request id under REQ_CORRELATE) to one
/// peer in turn, then accepts only that peer's reply. Strict send/receive alternation unless REQ_RELAXED.
/// </summary>
internal sealed class ReqPattern(SocketOptions options) : Pattern(options)
{
    private readonly LoadBalancer _lb = new();
    private readonly FairQueue _fq = new();

    public override Link? LastPeer => _fq.LastFrom;

    /// <summary>True: each receive waits for a reply, one round trip after this socket's last send.</summary>
    public override bool AwaitsAnswers => true;

    private bool _receivingReply;
    private bool _midRequest;
    private bool _midReply;
    private Link? _requestLink;
    private uint _requestId = (uint)Random.Shared.Next();

    public override bool Attach(Link link)
    {
        if (Options.ProbeRouter) DealerPattern.SendProbe(link);
        _lb.Add(link);
        _fq.Add(link);
        return true;
    }

    public override void Detach(Link link)
    {
        _lb.Remove(link);
        _fq.Detach(link);
    }

    public override bool TrySend(ref Frame frame, bool more)
    {
        if (!_midRequest)
        {
            if (_receivingReply)
            {
                if (!Options.ReqRelaxed)
                    throw new ZeraException(ErrorKind.InvalidState, "a REQ socket must receive the reply before sending another request (or set ReqRelaxed)");
                _receivingReply = false; // the old reply, if it ever comes, is discarded
                _requestLink = null;
            }
            var link = _lb.Select();
            if (link == null) return false;
            _requestId++;
            if (Options.ReqCorrelate)
            {
                var id = Frame.Allocate(4);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(id.Span, _requestId);
                link.Out.Write(ref id, more: true);
            }
            var delimiter = default(Frame);
            link.Out.Write(ref delimiter, more: true);
            _requestLink = link;
        }
        var target = _requestLink!;
        target.Out.WriteUnflushed(ref frame, more);
        _midRequest = more;
        if (!more)
        {
            _receivingReply = true;
            target.FlushNow();
        }
        return true;
    }

    public override bool HasOut() => _midRequest || ((!_receivingReply || Options.ReqRelaxed) && _lb.HasOut());

    public override bool ReceiveAllowed => _receivingReply || _midReply;

    public override bool ReadinessByPeek => false;

    // As libzmq: ready when a reply is awaited and some peer has sent something (a stray message it will drop counts).
    public override bool HasIn() => ReceiveAllowed && _fq.HasIn();

    public override bool TryReceive(out Frame frame)
    {
        if (!_receivingReply && !_midReply)
            throw new ZeraException(ErrorKind.InvalidState, "a REQ socket must send a request before receiving");
        while (true)
        {
            if (!_fq.TryReceive(out frame, out var from)) return false;
            if (_midReply)
            {
                _midReply = frame.More;
                if (!frame.More) _receivingReply = false;
                return true;
            }
            // The start of a message: accept it only from the peer we asked, with the right envelope.
            if (from != _requestLink || !AcceptEnvelope(ref frame, from!))
            {
                Discard(ref frame, from!);
                continue;
            }
            _midReply = frame.More;
            if (!frame.More) _receivingReply = false;
            return true;
        }
    }

    /// <summary>Checks and strips the reply's envelope; on success <paramref name="frame"/> is the first body frame.</summary>
    private bool AcceptEnvelope(ref Frame frame, Link from)
    {
        if (Options.ReqCorrelate)
        {
            if (frame.Size != 4 || !frame.More ||
                System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frame.Span) != _requestId) return false;
            frame.Dispose();
            if (!from.In.TryRead(out frame)) return false;
        }
        if (frame.Size != 0 || !frame.More) return false;
        frame.Dispose();
        return from.In.TryRead(out frame);
    }

    private static void Discard(ref Frame frame, Link from)
    {
        bool more = frame.More;
        frame.Dispose();
        while (more && from.In.TryRead(out var rest))
        {
            more = rest.More;
            rest.Dispose();
        }
    }
}
