using System.CommandLine;
using System.Globalization;

namespace Zera.Cli.Commands;

/// <summary>
/// <c>--stats</c>: a live rate line on stderr once a second, read from the library's <c>Zera</c> meter exactly as
/// dotnet-counters or OpenTelemetry would read it (so it also shows what listening costs a run). Totals are over
/// every socket of this process.
/// </summary>
public sealed class StatsPrinter : IDisposable
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);
    private readonly TextWriter _stderr;
    private readonly MeterTotals _totals = new();
    private readonly Timer _timer;
    private long _lastSent, _lastReceived;
    private long _lastTicks = Environment.TickCount64;

    private StatsPrinter(TextWriter stderr)
    {
        _stderr = stderr;
        _timer = new Timer(_ => Print(), null, s_interval, s_interval);
    }

    /// <summary>The <c>--stats</c> option.</summary>
    public static Option<bool> Option() => new("--stats")
    {
        Description = "Print a rate line on stderr every second (messages sent and received per second, queued), " +
                      "read from the Zera meter (System.Diagnostics.Metrics) as dotnet-counters would.",
    };

    /// <summary>Runs <paramref name="run"/>, printing stats meanwhile when <paramref name="enabled"/>.</summary>
    public static async Task<int> Around(bool enabled, TextWriter stderr, Func<Task<int>> run)
    {
        using var printer = enabled ? new StatsPrinter(stderr) : null;
        return await run().ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="run"/>, printing stats meanwhile when <paramref name="enabled"/>.</summary>
    public static int Around(bool enabled, TextWriter stderr, Func<int> run)
    {
        using var printer = enabled ? new StatsPrinter(stderr) : null;
        return run();
    }

    private void Print()
    {
        var (sent, received, queued) = _totals.Read();
        long now = Environment.TickCount64;
        double seconds = Math.Max(1, now - _lastTicks) / 1000.0;
        string line = string.Create(CultureInfo.InvariantCulture,
            $"stats: sent {sent} msgs ({(sent - _lastSent) / seconds:F0}/s), received {received} msgs ({(received - _lastReceived) / seconds:F0}/s), queued {queued}");
        (_lastSent, _lastReceived, _lastTicks) = (sent, received, now);
        lock (_stderr) _stderr.WriteLine(line);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _timer.Dispose();
        _totals.Dispose();
    }
}
