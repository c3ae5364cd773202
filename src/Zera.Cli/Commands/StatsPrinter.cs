using System.CommandLine;
using System.Diagnostics.Metrics;
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
    private readonly MeterListener _listener = new();
    private readonly Timer _timer;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _totals = [];
    private long _lastSent, _lastReceived;
    private long _lastTicks = Environment.TickCount64;

    private StatsPrinter(TextWriter stderr)
    {
        _stderr = stderr;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Zera") listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            // Observable instruments report a total per socket type, summed here over types for one collection.
            lock (_lock) _totals[instrument.Name] = _totals.GetValueOrDefault(instrument.Name) + value;
        });
        _listener.Start();
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
        long sent, received, queued;
        lock (_lock)
        {
            _totals.Clear();
            _listener.RecordObservableInstruments();
            sent = _totals.GetValueOrDefault("zera.messages.sent");
            received = _totals.GetValueOrDefault("zera.messages.received");
            queued = _totals.GetValueOrDefault("zera.queue.depth");
        }
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
        _listener.Dispose();
    }
}
