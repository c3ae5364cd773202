namespace Zera.Soak;

/// <summary>Dedicated threads for the scenarios' blocking loops, so they never hold the thread pool Zera's connections
/// run on; an exception in one is a failure of the run, never a crash.</summary>
internal static class Workers
{
    /// <summary>Starts <paramref name="body"/> on a new background thread.</summary>
    public static Thread Start(ScenarioRun run, string name, Action body)
    {
        var t = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                run.Fail($"{name}: {e.GetType().Name}: {e.Message}");
            }
        }) { IsBackground = true, Name = name };
        t.Start();
        return t;
    }

    /// <summary>Waits for <paramref name="threads"/> to end; a thread still running after <paramref name="timeout"/>
    /// is a hang and fails the run.</summary>
    public static bool JoinAll(ScenarioRun run, IEnumerable<Thread> threads, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        bool all = true;
        foreach (var t in threads)
        {
            var left = until - DateTime.UtcNow;
            if (!t.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero))
            {
                run.Fail($"{t.Name} did not finish within {timeout.TotalSeconds:F0} s (hang)");
                all = false;
            }
        }
        return all;
    }

    /// <summary>Polls <paramref name="condition"/> (yielding the CPU between looks) until true or
    /// <paramref name="timeout"/>; false on timeout.</summary>
    public static bool Until(Func<bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        var spin = new SpinWait();
        while (!condition())
        {
            if (DateTime.UtcNow > until) return false;
            spin.SpinOnce(sleep1Threshold: 10);
        }
        return true;
    }
}
