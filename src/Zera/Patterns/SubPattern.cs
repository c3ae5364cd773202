using Zera.Core;

namespace Zera.Patterns;

/// <summary>
/// SUB and XSUB (RFC 29): subscriptions (reference counted: a prefix subscribed twice needs two cancels) travel to
/// every publisher, sent again to each new or re-made connection; a subscribe is always passed on, a cancel only
/// when the prefix's count reaches zero, as libzmq does. Incoming messages are fair-queued and filtered once more
/// here, whole messages only. XSUB's user sends subscriptions as messages (1 or 0, then the prefix); anything else it
/// sends goes to every publisher as it is.
/// </summary>
internal sealed class SubPattern(SocketOptions options, bool xsub) : Pattern(options)
{
    private sealed class Count
    {
        public int Value;
    }

    private readonly FairQueue _fq = new();
    private readonly List<Link> _links = [];
    private readonly PrefixTrie<Count> _subscriptions = new();
    private bool _receiving;
    private bool _dropping;
    private bool _sendingUpstream;

    public override bool CanSend => xsub;

    public override bool Attach(Link link)
    {
        _fq.Add(link);
        _links.Add(link);
        SendAll(link);
        return true;
    }

    public override void Detach(Link link)
    {
        _fq.Detach(link);
        _links.Remove(link);
    }

    /// <summary>A connection was made again: the publisher at the other end knows none of our subscriptions.</summary>
    public override void OnReconnected(Link link) => SendAll(link);

    /// <summary>ZMQ_SUBSCRIBE: counts the prefix and tells every publisher.</summary>
    public void Subscribe(ReadOnlySpan<byte> prefix)
    {
        _subscriptions.GetOrAdd(prefix, static () => new Count()).Value++;
        foreach (var link in _links) Send(link, 1, prefix);
    }

    /// <summary>ZMQ_UNSUBSCRIBE: uncounts the prefix; the publishers hear of it when nothing is left of it.</summary>
    public void Unsubscribe(ReadOnlySpan<byte> prefix)
    {
        var count = _subscriptions.Find(prefix);
        if (count is null) return;
        if (--count.Value == 0) _subscriptions.Remove(prefix);
        else if (!(xsub && Options.XSubVerboseUnsubscribe)) return; // XSUB_VERBOSE_UNSUBSCRIBE passes every cancel on
        foreach (var link in _links) Send(link, 0, prefix);
    }

    public override bool TrySend(ref Frame frame, bool more)
    {
        if (!_sendingUpstream && !more && frame.Length >= 1 && frame.Span[0] <= 1)
        {
            if (frame.Span[0] == 1) Subscribe(frame.Span[1..]);
            else Unsubscribe(frame.Span[1..]);
            frame.Dispose();
            return true;
        }
        // Anything else goes upstream to every publisher as it is.
        _sendingUpstream = more;
        Distribution.WriteToAll(_links, ref frame, more);
        return true;
    }

    public override bool TryReceive(out Frame frame)
    {
        while (_fq.TryReceive(out frame, out _))
        {
            if (!_receiving)
            {
                // A message's first frame decides for the whole message.
                _dropping = _subscriptions.AnyMatch(frame.Span) == Options.InvertMatching;
            }
            _receiving = frame.More;
            if (!_dropping) return true;
            frame.Dispose();
        }
        return false;
    }

    private void SendAll(Link link)
    {
        foreach (var (prefix, _) in _subscriptions.Entries()) Send(link, 1, prefix);
    }

    private static void Send(Link link, byte command, ReadOnlySpan<byte> prefix)
    {
        var message = Frame.Allocate(1 + prefix.Length);
        message.Span[0] = command;
        prefix.CopyTo(message.Span[1..]);
        message.Flags |= FrameFlags.Subscription;
        link.Out.Write(ref message, more: false); // subscriptions are never dropped at the high-water mark
    }
}
