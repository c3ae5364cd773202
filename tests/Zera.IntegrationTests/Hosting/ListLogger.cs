using Microsoft.Extensions.Logging;

namespace Zera.IntegrationTests.Hosting;

/// <summary>A logger provider that keeps every message written at Warning or above, for assertions.</summary>
internal sealed class ListLogger : ILoggerProvider, ILogger
{
    private readonly List<string> _warnings = [];

    /// <summary>The warnings and errors logged so far.</summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            lock (_warnings) return [.. _warnings];
        }
    }

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        lock (_warnings) _warnings.Add(formatter(state, exception));
    }

    public void Dispose()
    {
    }
}
