using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Zera.Extensions.Hosting;

/// <summary>
/// Terminates the registered context when the host has stopped: after every hosted service's StopAsync (the point of
/// <see cref="IHostedLifecycleService.StoppedAsync"/>), so a service can still send its last messages while it
/// stops, and a call a careless service left blocked on a socket is woken with <see cref="ErrorKind.Terminated"/>.
/// The wait for linger is bounded by <see cref="ZeraHostingOptions.TerminationTimeout"/>.
/// </summary>
internal sealed class ContextLifetime(Context context, ZeraHostingOptions options, ILogger<ContextLifetime>? logger)
    : IHostedLifecycleService, IAsyncDisposable
{
    private readonly object _lock = new();
    private Task? _termination;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => TerminateAsync(cancellationToken);

    /// <summary>The container disposes this when the host (or a bare service provider) goes: the same bounded
    /// termination, for a provider that never ran the hosted services.</summary>
    public async ValueTask DisposeAsync() => await TerminateAsync(CancellationToken.None).ConfigureAwait(false);

    private async Task TerminateAsync(CancellationToken cancellationToken)
    {
        Task termination;
        lock (_lock)
        {
            // The context's own DisposeAsync returns at once on a second call; keep the first call's task to wait on.
            termination = _termination ??= context.DisposeAsync().AsTask();
        }
        try
        {
            await termination.WaitAsync(options.TerminationTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            logger?.LogWarning(
                "The Zera context did not terminate within {Timeout}: a socket is still open or lingering. Dispose " +
                "every socket a service creates before its ExecuteAsync/StopAsync returns.", options.TerminationTimeout);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger?.LogWarning("The host's shutdown timeout ended the wait for the Zera context to terminate.");
        }
    }
}
