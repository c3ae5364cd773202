using Zera.Core;

namespace Zera.Patterns;

/// <summary>
/// SUB and XSUB (RFC 29): subscriptions (reference counted: a prefix subscribed twice needs two cancels) travel to
/// every publisher, sent again to each new or re-made connection; a subscribe is always passed on, a cancel only
/// when the prefix's count reaches zero, as libzmq does. Incoming messages are fair-queued and filtered once more
/// here, whole messages only. XSUB's user sends subscriptions as messages (1 or 0, then the prefix); anything else it
/// sends goes to every publisher as it is.
/// </summary>
/// <remarks>As in libzmq, each frame XSUB's user sends is looked at on its own: within a multipart message too, a
/// frame that starts with 1 or 0 is counted as a subscription or cancel and travels on inside the message (a cancel
/// only when the count reaches zero). With ONLY_FIRST_SUBSCRIBE, a message whose first frame is data is data to its
/// end.</remarks>
internal sealed class SubPattern(SocketOptions options, bool xsub) : Pattern(options)
{
    private sealed class Count
    {
        public int Value;
    }

    private readonly FairQueue _fq = new();

    public override Link? LastPeer => _fq.LastFrom;
    private readonly List<Link> _links = [];
    private readonly PrefixTrie<Count> _subscriptions = new();
    private bool _receiving;
    private bool _dropping;
    private bool _sendMore; // the user is in the middle of a message
    private bool _processSubscribe; // the frames after a message's first may still be subscriptions
    private Frame _held; // a frame with More going upstream, kept until the next frame of its message (see Up)
    private bool _holding;

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
        CountUp(prefix);
        foreach (var link in _links) Send(link, 1, prefix);
    }

    /// <summary>ZMQ_UNSUBSCRIBE: uncounts the prefix; the publishers hear of it when nothing is left of it.</summary>
    public void Unsubscribe(ReadOnlySpan<byte> prefix)
    {
        if (!CountDown(prefix)) return;
        foreach (var link in _links) Send(link, 0, prefix);
    }

    private void CountUp(ReadOnlySpan<byte> prefix) => _subscriptions.GetOrAdd(prefix, static () => new Count()).Value++;

    /// <summary>Counts the prefix down; true when the publishers are to hear of it.</summary>
    private bool CountDown(ReadOnlySpan<byte> prefix)
    {
        var count = _subscriptions.Find(prefix);
        if (count is null) return false;
        if (--count.Value == 0)
        {
            _subscriptions.Remove(prefix);
            return true;
        }
        return xsub && Options.XSubVerboseUnsubscribe; // XSUB_VERBOSE_UNSUBSCRIBE passes every cancel on
    }

    public override bool TrySend(ref Frame frame, bool more)
    {
        bool first = !_sendMore;
        _sendMore = more;
        bool mayBeSubscription = first || _processSubscribe;
        if (first) _processSubscribe = !Options.OnlyFirstSubscribe;
        var span = frame.Span;
        if (!mayBeSubscription || span.Length == 0 || span[0] > 1)
        {
            Up(ref frame, more); // data goes upstream to every publisher as it is
            return true;
        }
        _processSubscribe = true;
        if (first && !more)
        {
            // A subscription message of its own: sent as such (a SUBSCRIBE or CANCEL command to a ZMTP 3.1 peer).
            if (span[0] == 1) Subscribe(span[1..]);
            else Unsubscribe(span[1..]);
            frame.Dispose();
            return true;
        }
        // A subscription inside a multipart message: counted, and passed on in its place in the message.
        if (span[0] == 1)
        {
            CountUp(span[1..]);
            Up(ref frame, more);
        }
        else if (CountDown(span[1..]))
        {
            Up(ref frame, more);
        }
        else
        {
            frame.Dispose();
            if (!more) EndHeld(); // the message ends with a frame that is not passed on
        }
        return true;
    }

    /// <summary>Writes a frame to every publisher. A frame with More is kept back until the next frame of its
    /// message, so that a message whose last frame is not passed on can still be ended (libzmq leaves it open, and
    /// the next message continues it).</summary>
    private void Up(ref Frame frame, bool more)
    {
        if (_holding)
        {
            _holding = false;
            Distribution.WriteToAll(_links, ref _held, more: true);
        }
        if (more)
        {
            _held = frame;
            frame = default;
            _holding = true;
        }
        else
        {
            Distribution.WriteToAll(_links, ref frame, more: false);
        }
    }

    private void EndHeld()
    {
        if (!_holding) return;
        _holding = false;
        Distribution.WriteToAll(_links, ref _held, more: false);
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
