using Zera.Core;

namespace Zera.Patterns;

/// <summary>
/// PUB and XPUB (RFC 29): a message goes to every subscriber whose subscription is a prefix of its first frame,
/// matched once per message in one trie (libzmq's mtrie), its payload shared, not copied. A subscriber at its
/// high-water mark misses the message (the publisher never blocks). Subscriptions arrive from each subscriber as
/// messages (1 or 0, then the prefix); XPUB also hands them to its user: a subscription new to the socket, and a
/// prefix's last cancel (or every one with XPUB_VERBOSE), plus any other message a subscriber sends.
/// </summary>
internal sealed class PubPattern(SocketOptions options, bool xpub) : Pattern(options)
{
    private readonly List<Link> _links = [];
    private readonly PrefixTrie<HashSet<Link>> _subscriptions = new();
    private readonly Dictionary<Link, HashSet<byte[]>> _prefixesOf = [];
    private readonly List<Link> _targets = [];
    private readonly Queue<Frame> _forUser = new();
    private long _messageSeq;
    private bool _midMessage;
    private Link? _upstreamFrom;

    public override bool CanReceive => xpub;

    public override bool Attach(Link link)
    {
        _links.Add(link);
        _prefixesOf[link] = new HashSet<byte[]>(ByteArrayComparer.Instance);
        return true;
    }

    public override void Detach(Link link)
    {
        _links.Remove(link);
        _targets.Remove(link);
        if (!_prefixesOf.Remove(link, out var prefixes)) return;
        foreach (var prefix in prefixes)
        {
            var set = _subscriptions.Find(prefix);
            if (set is null || !set.Remove(link) || set.Count > 0) continue;
            _subscriptions.Remove(prefix);
            if (xpub) QueueForUser(0, prefix); // the prefix lost its last subscriber
        }
    }

    public override bool TrySend(ref Frame frame, bool more)
    {
        if (!_midMessage)
        {
            TakeUpstream();
            _targets.Clear();
            long seq = ++_messageSeq;
            var state = (Targets: _targets, Seq: seq, Collect: !Options.InvertMatching);
            _subscriptions.Match(frame.Span, ref state, static (set, ref s) =>
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
                foreach (var link in _links)
                    if (link.Mark != seq) _targets.Add(link);
            }
            if (xpub && Options.XPubNoDrop)
            {
                // XPUB_NODROP: rather than drop for a full subscriber, the send waits (or fails with WouldBlock).
                foreach (var link in _targets)
                {
                    if (!link.Out.CanWrite())
                    {
                        _targets.Clear();
                        return false;
                    }
                }
            }
            else
            {
                _targets.RemoveAll(static link => !link.Out.CanWrite()); // at its mark, a subscriber misses the message
            }
        }
        _midMessage = more;
        if (_targets.Count == 0)
        {
            frame.Dispose();
            return true;
        }
        for (int i = 0; i < _targets.Count - 1; i++)
        {
            var share = frame.Share();
            _targets[i].Out.Write(ref share, more);
        }
        _targets[^1].Out.Write(ref frame, more);
        return true;
    }

    public override bool TryReceive(out Frame frame)
    {
        TakeUpstream();
        return _forUser.TryDequeue(out frame);
    }

    /// <summary>Takes what subscribers sent: subscriptions apply at once; XPUB queues what its user is to see.</summary>
    private void TakeUpstream()
    {
        foreach (var link in _links)
        {
            // PUB only peeks, so an idle subscriber costs no fenced operation per message; XPUB's reader may sleep,
            // and reading arms its wake-up.
            if (!xpub && !link.In.HasData) continue;
            while (link.In.TryRead(out var f)) Take(link, ref f);
        }
    }

    private void Take(Link link, ref Frame f)
    {
        if (_upstreamFrom == link)
        {
            // The rest of a message that was not a subscription.
            if (!f.More) _upstreamFrom = null;
            if (xpub) _forUser.Enqueue(f);
            else f.Dispose();
            return;
        }
        var span = f.Span;
        if (!f.More && span.Length >= 1 && span[0] <= 1)
        {
            bool subscribe = span[0] == 1;
            var prefix = span[1..];
            bool tell = subscribe ? Subscribe(link, prefix) : Cancel(link, prefix);
            // XPUB_VERBOSE passes every subscribe, XPUB_VERBOSER every cancel as well.
            if (xpub && (tell || Options.XPubVerboser || (subscribe && Options.XPubVerbose))) QueueForUser(span[0], prefix);
            f.Dispose();
            return;
        }
        if (f.More) _upstreamFrom = link;
        if (xpub) _forUser.Enqueue(f);
        else f.Dispose();
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
        if (_prefixesOf.TryGetValue(link, out var prefixes)) prefixes.Remove(prefix.ToArray());
        if (set.Count > 0) return false;
        _subscriptions.Remove(prefix);
        return true;
    }

    private void QueueForUser(byte command, ReadOnlySpan<byte> prefix)
    {
        var message = Frame.Allocate(1 + prefix.Length);
        message.Span[0] = command;
        prefix.CopyTo(message.Span[1..]);
        _forUser.Enqueue(message);
    }
}
