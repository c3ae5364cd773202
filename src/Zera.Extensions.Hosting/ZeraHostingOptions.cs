namespace Zera.Extensions.Hosting;

/// <summary>
/// Settings for the <see cref="Context"/> that <see cref="ZeraServiceCollectionExtensions.AddZera"/> registers.
/// </summary>
/// <remarks>Set them in the configure callback of <c>AddZera</c>; they are read once, when the call returns. Not
/// thread-safe, and not meant to be: nothing else sees the object.</remarks>
public sealed class ZeraHostingOptions
{
    /// <summary>
    /// How long the host waits, once its hosted services have stopped, for the context to terminate: every socket
    /// disposed and its linger run out (zmq_ctx_term). Past it shutdown goes on without waiting, and a warning says
    /// so; a socket left open is a leak in the service that created it. Default 30 seconds;
    /// <see cref="Timeout.InfiniteTimeSpan"/> waits as long as it takes. The host's own shutdown token still bounds
    /// the wait.
    /// </summary>
    public TimeSpan TerminationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        if (TerminationTimeout < TimeSpan.Zero && TerminationTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(TerminationTimeout), TerminationTimeout,
                "TerminationTimeout must be zero or more, or Timeout.InfiniteTimeSpan");
        }
    }
}
