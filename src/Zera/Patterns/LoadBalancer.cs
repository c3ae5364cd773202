using Zera.Core;

namespace Zera.Patterns;

/// <summary>
/// Round-robin over the links that can take a message now (libzmq's lb_t): a message goes whole to one link; a link
/// at its high-water mark is skipped; when none can take it, the send would block. Dead links are dropped lazily.
/// </summary>
internal sealed class LoadBalancer
{
    private readonly List<Link> _links = [];
    private int _next;
    private Link? _current;
    private bool _dropping;

    public int Count => _links.Count;

    public void Add(Link link) => _links.Add(link);

    /// <summary>Forgets a link whose peer has gone (a message going to it is dropped as it goes on).</summary>
    public void Remove(Link link) => RoundRobin.Remove(_links, link, ref _next);

    /// <summary>Picks the link for a new message; null when every link is full (or there is none).</summary>
    public Link? Select()
    {
        for (int tries = _links.Count; tries > 0; tries--)
        {
            if (_next >= _links.Count) _next = 0;
            var link = _links[_next];
            if (link.Out.IsReaderClosed)
            {
                _links.RemoveAt(_next);
                continue;
            }
            if (link.Out.CanWrite())
            {
                _next++;
                return link;
            }
            _next++;
        }
        return null;
    }

    /// <summary>True when a message could go now: one is under way, or some link has room. Full links arm their
    /// wake-up, so the socket hears when room appears.</summary>
    public bool HasOut()
    {
        if (_current != null || _dropping) return true;
        foreach (var link in _links)
            if (!link.Out.IsReaderClosed && link.Out.CanWrite()) return true;
        return false;
    }

    /// <summary>Sends one frame: the first frame of a message picks a link, the rest follow it.
    /// Returns false (frame untouched) when the message cannot start now.</summary>
    public bool TrySend(ref Frame frame, bool more)
    {
        if (_current == null && !_dropping)
        {
            _current = Select();
            if (_current == null) return false;
        }
        if (_dropping || _current!.Out.IsReaderClosed)
        {
            // The link died mid-message: the rest of the message has nowhere to go.
            frame.Dispose();
            _dropping = more;
            _current = null;
            return true;
        }
        _current.Out.Write(ref frame, more);
        if (!more) _current = null;
        return true;
    }
}
