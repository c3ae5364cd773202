using Zera.Core;

namespace Zera.Patterns;

/// <summary>
/// Fair-queued reading over links (libzmq's fq_t): each call starts with the next link in turn, and a message is
/// read whole from one link before another is tried. Links whose peer has gone are dropped once drained.
/// </summary>
internal sealed class FairQueue
{
    private readonly List<Link> _links = [];
    private int _next;
    private Link? _current;

    public int Count => _links.Count;

    /// <summary>The link the last frame read came from (its peer's properties go with the message).</summary>
    public Link? LastFrom { get; private set; }

    public void Add(Link link) => _links.Add(link);

    /// <summary>Forgets a link whose peer has gone, unless messages it sent are still to be read: then the link
    /// goes once they are.</summary>
    public void Detach(Link link)
    {
        if (link == _current || !link.In.IsFinished) return;
        RoundRobin.Remove(_links, link, ref _next);
    }

    /// <summary>True when some link has a message to read, without reading it; empty links arm their wake-up.</summary>
    public bool HasIn()
    {
        // Not "mid-message, so yes": REP reads the rest of a request straight from the link, leaving _current behind.
        if (_current != null && _current.In.CheckReadable()) return true;
        foreach (var link in _links)
            if (link.In.CheckReadable()) return true;
        return false;
    }

    /// <summary>Reads the next frame; <paramref name="from"/> is the link it came from.</summary>
    public bool TryReceive(out Frame frame, out Link? from)
    {
        if (_current != null)
        {
            // Messages are published whole, so the rest of this one is already there.
            from = _current;
            if (_current.In.TryRead(out frame))
            {
                LastFrom = from;
                if (!frame.More) _current = null;
                return true;
            }
            _current = null;
        }
        for (int tries = _links.Count; tries > 0; tries--)
        {
            if (_next >= _links.Count) _next = 0;
            var link = _links[_next];
            if (link.In.TryRead(out frame))
            {
                if (frame.More) _current = link;
                _next++; // the next message starts with the next link, however long this one is
                from = link;
                LastFrom = link;
                return true;
            }
            if (link.In.IsFinished || link.In.IsReaderClosed)
            {
                _links.RemoveAt(_next);
                continue;
            }
            _next++;
        }
        frame = default;
        from = null;
        return false;
    }
}
