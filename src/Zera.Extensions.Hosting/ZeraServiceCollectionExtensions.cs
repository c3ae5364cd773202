using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Zera.Extensions.Hosting;

/// <summary>
/// Registers Zera with a .NET generic host (or any <see cref="IServiceCollection"/>).
/// </summary>
/// <remarks>Call while the services are being configured, from one thread, as with every
/// <see cref="IServiceCollection"/> method.</remarks>
public static class ZeraServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="Context"/> as a singleton for services to create their sockets from, and a hosted
    /// lifecycle service that terminates it once the host's services have stopped (waiting for the sockets' linger,
    /// at most <see cref="ZeraHostingOptions.TerminationTimeout"/>). A service should use the async API with the
    /// stopping token it is given (<c>await socket.ReceiveAsync(stoppingToken)</c>), so it never blocks the host's
    /// thread and stops when the host does, and dispose its sockets before it returns.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets <see cref="ZeraHostingOptions"/>; null keeps the defaults.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    /// <exception cref="InvalidOperationException">AddZera was already called on this collection.</exception>
    public static IServiceCollection AddZera(this IServiceCollection services, Action<ZeraHostingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(ContextLifetime)))
        {
            throw new InvalidOperationException(
                "AddZera was already called on this service collection; it registers one context, configured once");
        }
        var options = new ZeraHostingOptions();
        configure?.Invoke(options);
        options.Validate();

        // The context is registered as an instance, so the container never disposes it itself (an unbounded wait
        // for sockets nobody disposed); ContextLifetime terminates it, bounded by the timeout. A Context holds no
        // thread or handle until sockets are made, so making it now costs nothing.
        var context = new Context();
        services.AddSingleton(context);
        services.AddSingleton(sp => new ContextLifetime(context, options, sp.GetService<ILogger<ContextLifetime>>()));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ContextLifetime>());
        return services;
    }
}
