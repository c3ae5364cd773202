using System.Globalization;
using System.Text;

namespace Zera.Soak;

/// <summary>The per-scenario report: a table of samples (before, first after warm-up, last, max, settled at the end)
/// and the verdict with its reasons.</summary>
internal static class Report
{
    /// <summary>Formats one scenario's outcome.</summary>
    public static string Format(Scenario scenario, ScenarioRun run, Sample before, IReadOnlyList<Sample> samples, Sample settled, List<string> checks)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"== {scenario.Name}: {scenario.Description}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"   ran {run.Elapsed.TotalSeconds:F0} s (asked {run.Duration.TotalSeconds:F0} s), {samples.Count} samples; messages checked {run.Messages:N0}, peers cycled {run.Peers:N0}");
        var post = GrowthCheck.AfterWarmUp(samples, run.Duration);
        var rows = new List<(string Label, Sample? S, Func<Metric, double>? Max)>
        {
            ("before", before, null),
            ("after warm-up", post.Count > 0 ? post[0] : null, null),
            ("last", samples.Count > 0 ? samples[^1] : null, null),
            ("max", null, m => samples.Count > 0 ? samples.Max(s => m.Of(s)) : double.NaN),
            ("settled (end)", settled, null),
        };
        var header = new StringBuilder($"   {"sample",-14} {"t s",6} {"messages",12} {"peers",8}");
        foreach (var m in MetricExtensions.All) header.Append(CultureInfo.InvariantCulture, $" {m.Name(),8}");
        sb.AppendLine(header.ToString());
        foreach (var (label, s, max) in rows)
        {
            var line = new StringBuilder($"   {label,-14}");
            if (s is { } v)
            {
                line.Append(CultureInfo.InvariantCulture, $" {v.Seconds,6:F0} {v.Messages,12:N0} {v.Peers,8:N0}");
                foreach (var m in MetricExtensions.All) line.Append(CultureInfo.InvariantCulture, $" {m.Format(m.Of(v)),8}");
            }
            else if (max != null)
            {
                line.Append(CultureInfo.InvariantCulture, $" {"",6} {"",12} {"",8}");
                foreach (var m in MetricExtensions.All) line.Append(CultureInfo.InvariantCulture, $" {m.Format(max(m)),8}");
            }
            else
            {
                line.Append(" (none)");
            }
            sb.AppendLine(line.ToString());
        }
        foreach (var c in checks) sb.AppendLine("   check " + c);
        foreach (var n in run.Notes) sb.AppendLine("   note: " + n);
        if (run.FailureCount == 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"   PASS {scenario.Name}");
        }
        else
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"   FAIL {scenario.Name}: {run.FailureCount} failure(s)");
            foreach (var f in run.Failures) sb.AppendLine("     - " + f);
            if (run.FailureCount > run.Failures.Count) sb.AppendLine(CultureInfo.InvariantCulture, $"     - ... and {run.FailureCount - run.Failures.Count} more");
        }
        return sb.ToString();
    }
}
