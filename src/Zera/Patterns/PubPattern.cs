using System.Collections.Concurrent;
using Zera.Core;

namespace Zera.Patterns;

/// <summary>
/// PUB and XPUB (RFC 29): a message goes to every subscriber whose subscription is a prefix of its first frame,
/// matched once per message in one trie (libzmq's mtrie), its payload shared, not copied. A subscriber at its
/// high-water mark misses the message (the publisher never blocks). Subscriptions arrive from each subscriber as
/// messages (1 or 0, then the prefix); XPUB also hands them to its user: a subscription new to the socket, and a
/// prefix's last cancel (or every one with XPUB_VERBOSE), plus any other message a subscriber sends.
/// </summary>
/// <remarks>As in libzmq, each frame a subscriber sends is looked at on its own: within a multipart message too, a
/// frame that starts with 1 or 0 is a subscription or a cancel, and the others are data for XPUB's user. With
/// ONLY_FIRST_SUBSCRIBE, a message whose first frame is data is data to its end.</remarks>
internal sealed class PubPattern(SocketOptions options, bool xpub) : Pattern(options)
{
    private readonly Dictionary<Pipe, Link> _byInbound = [];
    // Inbound pipes that turned non-empty (written on the connections' threads): only those are read for
    // subscriptions, so a send costs nothing per idle subscriber, however many there are.
    private readonly ConcurrentQueue<Pipe> _readable = new();
    private readonly PrefixTrie<HashSet<Link>> _subscriptions = new();
    private readonly Dictionary<Link, HashSet<byte[]>> _prefixesOf = []; // every subscriber, and what it subscribed
    private readonly List<Link> _targets = [];
    private readonly Queue<(Frame Frame, Link? From)> _forUser = new();
    private Link? _lastSubscriber;
    private Link? _onlyTo;
    private long _messageSeq;
    private bool _midMessage;
    // What subscribers send, read a whole message at a time (a pipe holds only whole messages):
    private bool _upstreamMore; // the last frame read had More: the next one continues its message
    private bool _processSubscribe; // the frames after a message's first may still be subscriptions
    private Frame _held; // a data frame with More for the user, kept until something follows it (see ForUser)
    private bool _holding;

    public override bool CanReceive => xpub;

    public override bool Attach(Link link)
    {
        _byInbound[link.In] = link;
        _prefixesOf[link] = new HashSet<byte[]>(ByteArrayComparer.Instance);
        Drain(link); // what came before the attach; reading it to the end arms the pipe's wake-up
        if (xpub && Options.XPubWelcomeMessage is { } welcome)
        {
            // XPUB_WELCOME_MSG: each new subscriber gets it first (it reaches a SUB subscribed to it).
            var message = Frame.CopyOf(welcome);
            link.Out.Write(ref message, more: false);
        }
        return true;
    }

    public override void Detach(Link link)
    {
        if (_lastSubscriber == link) _lastSubscriber = null;
        if (_onlyTo == link) _onlyTo = null;
        _byInbound.Remove(link.In);
        _targets.Remove(link);
        if (!_prefixesOf.Remove(link, out var prefixes)) return;
        foreach (var prefix in prefixes)
        {
            var set = _subscriptions.Find(prefix);
            if (set is null || !set.Remove(link) || set.Count > 0) continue;
            _subscriptions.Remove(prefix);
            if (xpub && !Options.XPubManual) QueueForUser(0, prefix, null); // the prefix lost its last subscriber
        }
    }

    public override bool TrySend(ref Frame frame, bool more)
    {
        if (!_midMessage)
        {
            TakeUpstream();
            if (!SelectTargets(frame.Span)) return false;
        }
        _midMessage = more;
        Distribution.WriteToAll(_targets, ref frame, more);
        return true;
    }

    /// <summary>Picks the subscribers of a new message from its first frame, matched once in the trie. False when
    /// the message cannot go now (XPUB_NODROP and a full subscriber).</summary>
    private bool SelectTargets(ReadOnlySpan<byte> topic)
    {
        _targets.Clear();
        long seq = ++_messageSeq;
        // XPUB_MANUAL_LAST_VALUE: the message after a manual subscription goes to that subscriber only, and only if
        // its topic matches that subscriber's subscriptions (libzmq matches first, then keeps the last subscriber).
        var only = _onlyTo;
        _onlyTo = null;
        var state = (Targets: _targets, Seq: seq, Collect: !Options.InvertMatching);
        _subscriptions.Match(topic, ref state, static (set, ref s) =>
        {
            foreach (var link in set)
            {
                if (link.Mark == s.Seq) continue; // subscribed by more than one matching prefix
                link.Mark = s.Seq;
                if (s.Collect) s.Targets.Add(link);
            }
            return true;
        });
        if (Options.InvertMatching)
        {
            // INVERT_MATCHING: the message goes to the subscribers none of whose prefixes match.
            foreach (var link in _prefixesOf.Keys)
                if (link.Mark != seq) _targets.Add(link);
        }
        if (only != null)
        {
            bool matched = _targets.Contains(only);
            _targets.Clear();
            if (matched) _targets.Add(only);
        }
        if (!(xpub && Options.XPubNoDrop))
        {
            Dropped += _targets.RemoveAll(static link => !link.Out.CanWrite()); // at its mark, a subscriber misses the message
            return true;
        }
        // XPUB_NODROP: rather than drop for a full subscriber, the send waits (or fails with WouldBlock).
        foreach (var link in _targets)
        {
            if (!link.Out.CanWrite())
            {
                _targets.Clear();
                return false;
            }
        }
        return true;
    }

    public override bool TryReceive(out Frame frame)
    {
        TakeUpstream();
        if (!_forUser.TryDequeue(out var next))
        {
            frame = default;
            return false;
        }
        frame = next.Frame;
        if (next.From != null) _lastSubscriber = next.From; // XPUB_MANUAL applies the user's decision to this one
        return true;
    }

    /// <summary>XPUB_MANUAL: the user's ZMQ_SUBSCRIBE on the XPUB subscribes the subscriber whose subscription message
    /// it read last.</summary>
    public void ManualSubscribe(ReadOnlySpan<byte> prefix)
    {
        if (_lastSubscriber is not { } link) return;
        Subscribe(link, prefix);
        if (Options.XPubManualLastValue) _onlyTo = link;
    }

    /// <summary>XPUB_MANUAL: the user's ZMQ_UNSUBSCRIBE on the XPUB, for the subscriber it read from last.</summary>
    public void ManualUnsubscribe(ReadOnlySpan<byte> prefix)
    {
        if (_lastSubscriber is { } link) Cancel(link, prefix);
    }

    public override void OnPipeReadable(Pipe pipe) => _readable.Enqueue(pipe);

    /// <summary>False: the subscribers' pipes are read only when they say they hold something, so each must be armed
    /// when read to the end.</summary>
    public override bool ReadsUnarmed => false;

    /// <summary>Takes what subscribers sent, from the pipes that said they hold something: subscriptions apply at
    /// once; XPUB queues what its user is to see.</summary>
    private void TakeUpstream()
    {
        while (_readable.TryDequeue(out var pipe))
        {
            if (_byInbound.TryGetValue(pipe, out var link)) Drain(link);
        }
    }

    /// <summary>Reads a subscriber's pipe to the end, which arms its wake-up for what comes next.</summary>
    private void Drain(Link link)
    {
        while (link.In.TryRead(out var f)) Take(link, ref f);
    }

    private void Take(Link link, ref Frame f)
    {
        bool first = !_upstreamMore;
        _upstreamMore = f.More;
        var span = f.Span;
        bool isSubscription = (first || _processSubscribe) && span.Length >= 1 && span[0] <= 1;
        if (first) _processSubscribe = !Options.OnlyFirstSubscribe || isSubscription;
        if (!isSubscription)
        {
            if (xpub) ForUser(f, null); // PUB has no user to give it to
            else f.Dispose();
        }
        else if (xpub && Options.XPubManual)
        {
            // XPUB_MANUAL: the user decides (with Subscribe/Unsubscribe on the XPUB); it sees every one, as a message
            // of its own.
            f.Flags &= ~FrameFlags.More;
            ForUser(f, link);
        }
        else
        {
            bool subscribe = span[0] == 1;
            var prefix = span[1..];
            bool tell = subscribe ? Subscribe(link, prefix) : Cancel(link, prefix);
            // XPUB_VERBOSE passes every subscribe, XPUB_VERBOSER every cancel as well.
            if (xpub && (tell || Options.XPubVerboser || (subscribe && Options.XPubVerbose))) QueueForUser(span[0], prefix, link);
            f.Dispose();
        }
        if (!_upstreamMore && _holding)
        {
            // The message ended in frames the user does not see: its last data frame ends it for the user. (libzmq
            // leaves it open, so the user's next message would continue it.)
            _held.Flags &= ~FrameFlags.More;
            _forUser.Enqueue((_held, null));
            _holding = false;
        }
    }

    /// <summary>Queues a frame for XPUB's user. A data frame with More waits until the next frame of its message
    /// shows whether anything follows it for the user.</summary>
    private void ForUser(Frame f, Link? from)
    {
        if (_holding)
        {
            _forUser.Enqueue((_held, null));
            _holding = false;
        }
        if (f.More)
        {
            _held = f;
            _holding = true;
        }
        else
        {
            _forUser.Enqueue((f, from));
        }
    }

    /// <summary>Adds the subscription; true when the prefix is new to the socket.</summary>
    private bool Subscribe(Link link, ReadOnlySpan<byte> prefix)
    {
        var set = _subscriptions.GetOrAdd(prefix, static () => []);
        bool isNew = set.Count == 0;
        if (set.Add(link) && _prefixesOf.TryGetValue(link, out var prefixes)) prefixes.Add(prefix.ToArray());
        return isNew;
    }

    /// <summary>Removes the subscription; true when the prefix has no subscriber left.</summary>
    private bool Cancel(Link link, ReadOnlySpan<byte> prefix)
    {
        var set = _subscriptions.Find(prefix);
        if (set is null || !set.Remove(link)) return false;
        if (_prefixesOf.TryGetValue(link, out var prefixes)) prefixes.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(prefix);
        if (set.Count > 0) return false;
        _subscriptions.Remove(prefix);
        return true;
    }

    private void QueueForUser(byte command, ReadOnlySpan<byte> prefix, Link? from)
    {
        var message = Frame.Allocate(1 + prefix.Length);
        message.Span[0] = command;
        prefix.CopyTo(message.Span[1..]);
        ForUser(message, from);
    }
}
