namespace Zera.Core;

/// <summary>
/// Process-wide counts of the objects a connection lives on, so that leaks show as numbers that do not come back
/// down (the churn tests and the soak suite read them). One interlocked add per connection start and end; nothing on
/// the message path.
/// </summary>
internal static class LiveCounts
{
    private static long s_sessions;
    private static long s_engines;
    private static long s_sockets;

    /// <summary>tcp and ipc sessions (accepted or connecting) not yet finished.</summary>
    public static long Sessions => Volatile.Read(ref s_sessions);

    /// <summary>tcp and ipc connections whose engine is still running.</summary>
    public static long Engines => Volatile.Read(ref s_engines);

    /// <summary>Sockets created and not yet disposed, in every context.</summary>
    public static long Sockets => Volatile.Read(ref s_sockets);

    public static void SessionStarted() => Interlocked.Increment(ref s_sessions);

    public static void SessionEnded() => Interlocked.Decrement(ref s_sessions);

    public static void EngineStarted() => Interlocked.Increment(ref s_engines);

    public static void EngineEnded() => Interlocked.Decrement(ref s_engines);

    public static void SocketCreated() => Interlocked.Increment(ref s_sockets);

    public static void SocketEnded() => Interlocked.Decrement(ref s_sockets);
}
