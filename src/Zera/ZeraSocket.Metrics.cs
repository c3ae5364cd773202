using Zera.Core;

namespace Zera;

// What the Zera meter reads of a socket (ZeraMetrics): counts kept in plain fields by the socket's own calls, and
// the depth of its pipes, read under the lock that guards the set of links (taken only when links come and go, and
// when a listener collects).
public sealed partial class ZeraSocket
{
    private readonly Lock _linksLock = new();
    private SocketCounters _metrics;

    /// <summary>This socket's counts so far (from any thread; each field may be a moment old).</summary>
    internal SocketCounters MetricCounters
    {
        get
        {
            var counters = _metrics;
            counters.Dropped = Volatile.Read(ref _pattern.Dropped);
            return counters;
        }
    }

    /// <summary>Messages waiting in this socket's pipes, in both directions (from any thread).</summary>
    internal long QueueDepth
    {
        get
        {
            long depth = 0;
            lock (_linksLock)
            {
                foreach (var link in _links) depth += link.In.Count + link.Out.Count;
            }
            return depth;
        }
    }

    private bool RemoveLink(Link link)
    {
        lock (_linksLock) return _links.Remove(link);
    }
}
