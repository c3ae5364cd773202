using Zera.Core;

namespace Zera.Patterns;

/// <summary>The cursor arithmetic the load balancer and the fair queue share: both walk a list of links in turn.</summary>
internal static class RoundRobin
{
    /// <summary>Removes <paramref name="link"/> from <paramref name="links"/>, keeping <paramref name="next"/> on the
    /// same following link.</summary>
    public static void Remove(List<Link> links, Link link, ref int next)
    {
        int at = links.IndexOf(link);
        if (at < 0) return;
        links.RemoveAt(at);
        if (next > at) next--;
    }
}
