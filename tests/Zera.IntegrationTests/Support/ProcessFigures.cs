using Zera.Core;

namespace Zera.IntegrationTests.Support;

/// <summary>The whole process's figures that a leak would move: the managed heap after full collections (less the
/// slabs Zera pools for reuse) and the open file descriptors. Tests that use them run in the non-parallel
/// <c>ProcessWide</c> collection.</summary>
internal static class ProcessFigures
{
    public readonly record struct Snapshot(long Heap, int Fds);

    /// <summary>Open file descriptors of this process.</summary>
    public static int OpenFds() => Directory.GetFiles("/proc/self/fd").Length;

    /// <summary>Waits for every connection this test made to end (Zera's live session and engine counts back to
    /// where they were; the other side learns of a departure a moment after it happens), then measures after full
    /// collections.</summary>
    public static Snapshot Settle(long sessionsAtStart, long enginesAtStart)
    {
        // Every session and engine this test made must end: a connection that outlives its peer is itself a leak.
        Wait.Until(() => LiveCounts.Sessions <= sessionsAtStart && LiveCounts.Engines <= enginesAtStart,
            $"every connection to end (sessions {LiveCounts.Sessions}, engines {LiveCounts.Engines}; {sessionsAtStart} and {enginesAtStart} before the test)",
            TimeSpan.FromSeconds(30));
        return new Snapshot(Heap(), OpenFds());
    }

    /// <summary>The managed heap after full collections, less the slabs Zera keeps in its pools for reuse (bounded
    /// memory, not a leak).</summary>
    public static long Heap()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        return GC.GetTotalMemory(forceFullCollection: true) - Slab.PooledBytes;
    }
}
