namespace Zera.Soak;

/// <summary>Endpoints for the scenarios: tcp on an ephemeral loopback port, ipc in the temporary folder, inproc by name,
/// all unique to this process.</summary>
internal static class SoakEndpoints
{
    private static int s_counter;

    /// <summary>The three transports, in the order the churn scenarios take them in turn.</summary>
    public static readonly string[] Transports = ["tcp", "ipc", "inproc"];

    /// <summary>A fresh endpoint to bind on <paramref name="transport"/>.</summary>
    public static string ForBind(string transport, string tag) => transport switch
    {
        "tcp" => "tcp://127.0.0.1:*",
        "ipc" => $"ipc://{IpcPath(tag)}",
        "inproc" => $"inproc://soak-{tag}-{Interlocked.Increment(ref s_counter)}",
        _ => throw new ArgumentOutOfRangeException(nameof(transport)),
    };

    /// <summary>A socket file path unique to this process and <paramref name="tag"/>.</summary>
    public static string IpcPath(string tag) =>
        Path.Combine(Path.GetTempPath(), $"zera-soak-{Environment.ProcessId}-{tag}-{Interlocked.Increment(ref s_counter)}.ipc");

    /// <summary>Binds <paramref name="socket"/> and returns the endpoint peers connect to.</summary>
    public static string Bind(ZeraSocket socket, string transport, string tag)
    {
        socket.Bind(ForBind(transport, tag));
        return socket.LastEndpoint!;
    }
}
