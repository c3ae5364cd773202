using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Interop;

/// <summary>Endpoints for interop tests: tcp and ipc as <see cref="Endpoints"/> makes them, plus
/// <c>ipc-abstract</c>, a Linux abstract-namespace socket (<c>ipc://@name</c>, no file).</summary>
internal static class InteropEndpoints
{
    private static int s_counter;

    /// <summary>Where either side binds for <paramref name="transport"/>; tcp on an ephemeral loopback port (read the
    /// real one back from the binder).</summary>
    public static string ForBind(string transport) => transport switch
    {
        "ipc-abstract" => $"ipc://@zera-interop-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}",
        "tcp" => "tcp://127.0.0.1:*",
        _ => Endpoints.ForBind(transport),
    };

    /// <summary>Binds <paramref name="zera"/> and returns the endpoint a peer connects to.</summary>
    public static string Bind(ZeraSocket zera, string transport)
    {
        zera.Bind(ForBind(transport));
        return zera.LastEndpoint!;
    }
}
