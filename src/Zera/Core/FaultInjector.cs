namespace Zera.Core;

/// <summary>An I/O call where a <see cref="FaultInjector"/> can make a connection fail.</summary>
internal enum FaultSite
{
    /// <summary>Before each outgoing connection attempt.</summary>
    Connect,

    /// <summary>Before each accept on a bound endpoint.</summary>
    Accept,

    /// <summary>Before each read from a connection.</summary>
    Receive,

    /// <summary>Before each write by a connection's send loop.</summary>
    Send,

    /// <summary>When a connection's deadline timer (handshake, heartbeat) fires.</summary>
    Timer,
}

/// <summary>
/// A test seam: makes a socket's connections fail at a chosen I/O call, as the OS (a reset, an unexpected errno) or a
/// defect would, so tests can show that every engine path survives it, reports it on the monitor and goes on. Tests
/// set it on one socket's options; everywhere else it is null and costs a null check per call.
/// </summary>
/// <remarks>The decision runs on whatever thread makes the I/O call, so it must be thread-safe.</remarks>
internal sealed class FaultInjector(Func<FaultSite, Exception?> decide)
{
    /// <summary>Throws the exception the decision gives for <paramref name="site"/>, if any.</summary>
    public void At(FaultSite site)
    {
        if (decide(site) is { } e) throw e;
    }
}
