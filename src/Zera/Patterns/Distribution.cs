using Zera.Core;

namespace Zera.Patterns;

/// <summary>One frame to many peers (libzmq's dist_t): each peer gets a share of the same payload, the last one the
/// frame itself, so nothing is copied; with no peer the frame is released.</summary>
internal static class Distribution
{
    /// <summary>Writes <paramref name="frame"/> to every link of <paramref name="links"/>, taking ownership of it.</summary>
    public static void WriteToAll(List<Link> links, ref Frame frame, bool more)
    {
        if (links.Count == 0)
        {
            frame.Dispose();
            return;
        }
        frame.AddShares(links.Count - 1);
        for (int i = 0; i < links.Count - 1; i++)
        {
            var share = frame.CountedShare();
            links[i].Out.Write(ref share, more);
        }
        links[^1].Out.Write(ref frame, more);
    }
}
