using System.Diagnostics.Metrics;

namespace Zera.Cli.Commands;

/// <summary>
/// Reads the library's <c>Zera</c> meter as dotnet-counters or OpenTelemetry would: totals of messages sent and
/// received and of messages queued, over every socket of this process. Thread-safe.
/// </summary>
public sealed class MeterTotals : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _totals = [];

    /// <summary>Starts listening.</summary>
    public MeterTotals()
    {
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
    }

    /// <summary>Collects the totals now.</summary>
    public (long Sent, long Received, long Queued) Read()
    {
        lock (_lock)
        {
            _totals.Clear();
            _listener.RecordObservableInstruments();
            return (_totals.GetValueOrDefault("zera.messages.sent"),
                    _totals.GetValueOrDefault("zera.messages.received"),
                    _totals.GetValueOrDefault("zera.queue.depth"));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();
}
