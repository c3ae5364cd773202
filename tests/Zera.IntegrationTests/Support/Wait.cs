using System.Diagnostics;

namespace Zera.IntegrationTests.Support;

/// <summary>Waiting on a condition with a deadline, so a bug fails a test instead of hanging it.</summary>
public static class Wait
{
    /// <summary>The default bound for anything a test waits for.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Polls <paramref name="condition"/> until true; fails the test with <paramref name="what"/> after
    /// <paramref name="timeout"/> (default <see cref="Timeout"/>).</summary>
    public static void Until(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Timeout;
        var sw = Stopwatch.StartNew();
        var spin = new SpinWait();
        while (!condition())
        {
            if (sw.Elapsed > limit) Assert.Fail($"timed out after {limit.TotalSeconds:F1} s waiting for: {what}");
            spin.SpinOnce(sleep1Threshold: 10);
        }
    }
}
