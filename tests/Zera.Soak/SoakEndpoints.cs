namespace Zera.Soak;

/// <summary>Endpoints for the scenarios: tcp on an ephemeral loopback port, ipc in the temporary folder, inproc by name,
/// all unique to this process.</summary>
internal static class SoakEndpoints
{
    private static int s_counter;

    /// <summary>The loopback address tcp endpoints bind on. On Linux all of 127.0.0.0/8 is loopback, so a run takes an
    /// address of its own (from its process id, never 127.0.x.x): a peer of another program that keeps reconnecting
    /// to a port whose listener went away cannot reach a soak socket the kernel has since given the same port number
    /// (the soak binds ephemeral ports by the thousand, and other programs' tests share the machine). Elsewhere
    /// 127.0.0.1.</summary>
    public static readonly string TcpHost = OperatingSystem.IsLinux()
        ? $"127.{100 + Environment.ProcessId / 256 % 100}.{Environment.ProcessId % 256}.1"
        : "127.0.0.1";

    /// <summary>The three transports, in the order the churn scenarios take them in turn.</summary>
    public static readonly string[] Transports = ["tcp", "ipc", "inproc"];

    /// <summary>A fresh endpoint to bind on <paramref name="transport"/>.</summary>
    public static string ForBind(string transport, string tag) => transport switch
    {
        "tcp" => $"tcp://{TcpHost}:*",
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
