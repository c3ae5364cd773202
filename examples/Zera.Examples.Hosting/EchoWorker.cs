using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Zera.Examples.Hosting;

/// <summary>
/// A worker service answering every request on a REP socket with the request itself (the Guide's hwserver, as a
/// hosted service). Everything waits with the async API on the host's stopping token, so starting never blocks the
/// host's thread and Ctrl-C or <see cref="IHost.StopAsync"/> ends it between two requests, with the socket disposed
/// before <see cref="ExecuteAsync"/> returns.
/// </summary>
/// <remarks>The endpoint comes from the configuration key <c>endpoint</c> (<c>--endpoint tcp://*:5555</c> on the
/// command line); the default is the Guide's <c>tcp://*:5555</c>.</remarks>
public sealed class EchoWorker(Context context, IConfiguration configuration, ILogger<EchoWorker> logger) : BackgroundService
{
    private readonly TaskCompletionSource<string> _endpoint = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The endpoint the REP socket bound (with the port a wildcard got), once it has.</summary>
    public Task<string> Endpoint => _endpoint.Task;

    /// <summary>Requests answered so far.</summary>
    public int Answered { get; private set; }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var rep = context.CreateSocket(SocketType.Rep);
        try
        {
            rep.Bind(configuration["endpoint"] ?? "tcp://*:5555");
        }
        catch (Exception e)
        {
            _endpoint.TrySetException(e);
            throw;
        }
        string endpoint = rep.LastEndpoint!;
        logger.LogInformation("serving REP on {Endpoint}", endpoint);
        _endpoint.TrySetResult(endpoint);
        try
        {
            while (true)
            {
                // The whole request first (REP answers a request only once it has all of it), then its frames back.
                var request = await rep.ReceiveMultipartAsync(stoppingToken);
                for (int i = 0; i < request.Count; i++)
                {
                    await rep.SendAsync(request[i], more: i < request.Count - 1, stoppingToken);
                }
                Answered++;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
        logger.LogInformation("stopped after {Answered} requests", Answered);
    }
}
