using System.Globalization;

namespace Zera.Cli.Commands;

/// <summary>
/// The live progress line of a long-running command (recv, echo, proxy), shown only when standard output is a
/// terminal: a count and a rate, redrawn in place four times a second at the bottom of the terminal and erased before
/// every line the command prints and when it ends, so the terminal keeps only the command's own output. When output
/// is piped or redirected (scripts and tests read it) nothing is ever drawn and nothing listens to the meter.
/// </summary>
/// <remarks>Thread-safe: the timer draws on its own thread, under the output writer's lock, which
/// <see cref="WriteLine"/> takes as well.</remarks>
public sealed class ProgressLine : IDisposable
{
    private const string EraseLine = "\r\u001b[2K";
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(250);

    private readonly TextWriter _stdout;
    private readonly MeterTotals _totals = new();
    private readonly Timer _timer;
    private readonly long _started = Environment.TickCount64;
    private long _lastTotal;
    private long _lastTicks;
    private double _rate;
    private bool _drawn;
    private bool _disposed;

    private ProgressLine(TextWriter stdout)
    {
        _stdout = stdout;
        _lastTicks = _started;
        _timer = new Timer(_ => Draw(), null, s_interval, s_interval);
    }

    /// <summary>A progress line on <paramref name="stdout"/> when it is the process's own standard output and that
    /// is a terminal (not redirected, TERM not "dumb"); otherwise null.</summary>
    public static ProgressLine? StartIfTerminal(TextWriter stdout) =>
        IsTerminal(stdout) ? new ProgressLine(stdout) : null;

    /// <summary>Whether <paramref name="stdout"/> is the console's standard output and that is a terminal.</summary>
    public static bool IsTerminal(TextWriter stdout) =>
        ReferenceEquals(stdout, Console.Out)
        && !Console.IsOutputRedirected
        && Environment.GetEnvironmentVariable("TERM") is not "dumb";

    /// <summary>Runs <paramref name="run"/> with a progress line on <paramref name="stdout"/> when it is a terminal.
    /// <paramref name="run"/> gets the line (or null), to print its own lines through <see cref="WriteLine"/>, and the
    /// writer to use for <paramref name="stderr"/>: with a progress line, one that erases it before each write, so
    /// that a message on the same terminal never lands in the middle of it.</summary>
    public static async Task<int> Around(TextWriter stdout, TextWriter stderr, Func<ProgressLine?, TextWriter, Task<int>> run)
    {
        using var progress = StartIfTerminal(stdout);
        return await run(progress, progress is null ? stderr : new ErasingWriter(progress, stderr)).ConfigureAwait(false);
    }

    /// <summary>Prints <paramref name="line"/> on <paramref name="stdout"/>, first erasing the progress line when
    /// there is one (it comes back at the next redraw).</summary>
    public static void WriteLine(ProgressLine? progress, TextWriter stdout, string line)
    {
        if (progress is null)
        {
            stdout.WriteLine(line);
            return;
        }
        lock (stdout)
        {
            progress.EraseUnlocked();
            stdout.WriteLine(line);
        }
    }

    private void Draw()
    {
        var (sent, received, _) = _totals.Read();
        long now = Environment.TickCount64;
        long total = sent + received;
        double seconds = (now - _lastTicks) / 1000.0;
        if (seconds > 0)
        {
            // A short moving average, so the rate neither jumps with every redraw nor lags a change by long.
            double instant = (total - _lastTotal) / seconds;
            _rate = _lastTicks == _started ? instant : 0.5 * _rate + 0.5 * instant;
        }
        (_lastTotal, _lastTicks) = (total, now);
        string text = string.Create(CultureInfo.InvariantCulture,
            $"{EraseLine}received {received:N0} · sent {sent:N0} · {_rate:N0} msgs/s · {TimeSpan.FromMilliseconds(now - _started):hh\\:mm\\:ss}");
        lock (_stdout)
        {
            if (_disposed) return;
            _stdout.Write(text);
            _stdout.Flush();
            _drawn = true;
        }
    }

    private void EraseUnlocked()
    {
        if (!_drawn) return;
        _stdout.Write(EraseLine);
        _drawn = false;
    }

    /// <summary>Another writer (standard error) whose every write first erases the progress line.</summary>
    private sealed class ErasingWriter(ProgressLine progress, TextWriter inner) : TextWriter(inner.FormatProvider)
    {
        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void Write(char value) => Erased(() => inner.Write(value));

        public override void Write(string? value) => Erased(() => inner.Write(value));

        public override void WriteLine(string? value) => Erased(() => inner.WriteLine(value));

        private void Erased(Action write)
        {
            lock (progress._stdout)
            {
                progress.EraseUnlocked();
                progress._stdout.Flush();
                write();
            }
        }

        public override void Flush() => inner.Flush();
    }

    /// <summary>Stops redrawing and erases the line.</summary>
    public void Dispose()
    {
        lock (_stdout)
        {
            if (_disposed) return;
            _disposed = true;
            EraseUnlocked();
            _stdout.Flush();
        }
        _timer.Dispose();
        _totals.Dispose();
    }
}
