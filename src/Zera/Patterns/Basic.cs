using Zera.Core;

namespace Zera.Patterns;

/// <summary>PUSH (RFC 30): round-robin to connected pullers; blocks when all are at the high-water mark.</summary>
internal sealed class PushPattern(SocketOptions options) : Pattern(options)
{
    private readonly LoadBalancer _lb = new();

    public override bool CanReceive => false;

    public override bool Attach(Link link)
    {
        _lb.Add(link);
        return true;
    }

    public override void Detach(Link link) => _lb.Remove(link);

    public override bool HasOut() => _lb.HasOut();

    public override bool TrySend(ref Frame frame, bool more) => _lb.TrySend(ref frame, more);

    public override bool TryReceive(out Frame frame) => throw new InvalidOperationException();
}

/// <summary>PULL (RFC 30): fair-queued from connected pushers.</summary>
internal sealed class PullPattern(SocketOptions options) : Pattern(options)
{
    private readonly FairQueue _fq = new();

    public override Link? LastPeer => _fq.LastFrom;

    public override bool CanSend => false;

    public override bool Attach(Link link)
    {
        _fq.Add(link);
        return true;
    }

    public override void Detach(Link link) => _fq.Detach(link);

    public override bool TrySend(ref Frame frame, bool more) => throw new InvalidOperationException();

    public override bool TryReceive(out Frame frame) => _fq.TryReceive(out frame, out _);
}

/// <summary>DEALER (RFC 28): round-robin out, fair-queued in, frames passed unchanged.</summary>
internal sealed class DealerPattern(SocketOptions options) : Pattern(options)
{
    private readonly LoadBalancer _lb = new();
    private readonly FairQueue _fq = new();

    public override Link? LastPeer => _fq.LastFrom;

    public override bool Attach(Link link)
    {
        if (Options.ProbeRouter) SendProbe(link);
        _lb.Add(link);
        _fq.Add(link);
        return true;
    }

    public override void Detach(Link link)
    {
        _lb.Remove(link);
        _fq.Detach(link);
    }

    public override bool HasOut() => _lb.HasOut();

    public override bool TrySend(ref Frame frame, bool more) => _lb.TrySend(ref frame, more);

    public override bool TryReceive(out Frame frame) => _fq.TryReceive(out frame, out _);

    internal static void SendProbe(Link link)
    {
        var empty = default(Frame);
        link.Out.Write(ref empty, more: false);
    }
}

/// <summary>PAIR (RFC 31): exactly one peer; a second one is refused while the first is connected.</summary>
internal sealed class PairPattern(SocketOptions options) : Pattern(options)
{
    private Link? _peer;

    public override Link? LastPeer => _peer;
    private bool _sendingMore;

    public override bool Attach(Link link)
    {
        if (_peer != null && !_peer.IsDead && !_peer.Out.IsReaderClosed) return false;
        _peer = link;
        return true;
    }

    public override string Refusal => "a PAIR socket takes one peer, and it has one";

    public override bool HasOut() => _peer is { } peer && (_sendingMore || peer.Out.CanWrite());

    public override bool TrySend(ref Frame frame, bool more)
    {
        var peer = _peer;
        if (peer == null) return false;
        if (!_sendingMore && !peer.Out.CanWrite()) return false;
        peer.Out.Write(ref frame, more);
        _sendingMore = more;
        return true;
    }

    public override bool TryReceive(out Frame frame)
    {
        var peer = _peer;
        if (peer != null && peer.In.TryRead(out frame)) return true;
        frame = default;
        return false;
    }
}
