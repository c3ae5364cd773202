using System.Diagnostics;
using Zera.Core;

namespace Zera.Soak;

/// <summary>
/// Reads the process every second on a thread of its own: RSS, managed heap after a full blocking collection,
/// threads, open descriptors, timers and Zera's live counts, with the scenario's progress counters.
/// </summary>
internal sealed class Sampler : IDisposable
{
    private readonly List<Sample> _samples = [];
    private readonly ScenarioRun _run;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;

    /// <summary>Starts sampling <paramref name="run"/>'s counters every second.</summary>
    public Sampler(ScenarioRun run)
    {
        _run = run;
        _thread = new Thread(Loop) { IsBackground = true, Name = "soak sampler" };
        _thread.Start();
    }

    /// <summary>The samples so far, in order.</summary>
    public List<Sample> Samples
    {
        get
        {
            lock (_samples) return [.. _samples];
        }
    }

    private void Loop()
    {
        do
        {
            // A cooperative scenario samples itself at its next quiet point (within a few seconds; the wait is bounded,
            // and a sample taken here instead is marked as not quiet).
            var s = (_run.Cooperative ? _run.RequestQuietSample(TimeSpan.FromSeconds(5)) : null)
                ?? Take(_run.Elapsed.TotalSeconds, _run.Messages, _run.Peers, quiet: false);
            lock (_samples) _samples.Add(s);
        } while (!_stop.Wait(TimeSpan.FromSeconds(1)));
    }

    /// <summary>One reading now.</summary>
    public static Sample Take(double seconds, long messages, long peers, bool quiet)
    {
        long heap = GC.GetTotalMemory(forceFullCollection: true) - Slab.PooledBytes;
        using var self = Process.GetCurrentProcess();
        int pool = ThreadPool.ThreadCount;
        return new Sample(seconds, Rss(self), heap, Math.Max(0, self.Threads.Count - pool), pool, Fds(), Timer.ActiveCount,
            LiveCounts.Sockets, LiveCounts.Sessions, LiveCounts.Engines, messages, peers, quiet);
    }

    /// <summary>A settled reading: collections run until finalizers are done, so what is left is really held.</summary>
    public static Sample TakeSettled(double seconds, long messages, long peers)
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        return Take(seconds, messages, peers, quiet: true);
    }

    private static long Rss(Process self)
    {
        if (OperatingSystem.IsLinux())
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        return self.WorkingSet64;
    }

    /// <summary>Open descriptors, less the runtime's assembly files (it keeps each assembly it loads open: a one-time
    /// cost of the first use of an API, not a leak).</summary>
    private static int Fds()
    {
        if (!Directory.Exists("/proc/self/fd")) return -1;
        int n = 0;
        foreach (var fd in Directory.GetFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget?.EndsWith(".dll", StringComparison.Ordinal) != true) n++;
            }
            catch (IOException)
            {
                // Closed meanwhile.
            }
        }
        return n;
    }

    /// <summary>Stops sampling (after one last sample is not taken: the caller takes the settled one).</summary>
    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        _stop.Dispose();
    }
}
