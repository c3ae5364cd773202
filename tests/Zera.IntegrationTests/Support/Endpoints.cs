namespace Zera.IntegrationTests.Support;

/// <summary>Fresh endpoints for tests, so parallel tests never collide.</summary>
public static class Endpoints
{
    private static int s_counter;

    /// <summary>The transports every socket-level behaviour is checked on.</summary>
    public static TheoryData<string> Transports => new() { "tcp", "ipc", "inproc" };

    /// <summary>An endpoint to bind for <paramref name="transport"/>: tcp on an ephemeral loopback port (read the real
    /// one from <c>LastEndpoint</c>), ipc in a fresh temporary path, inproc under a unique name.</summary>
    public static string ForBind(string transport) => transport switch
    {
        "tcp" => "tcp://127.0.0.1:*",
        "ipc" => $"ipc://{Path.Combine(Path.GetTempPath(), $"zera-test-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}.ipc")}",
        "inproc" => $"inproc://test-{Interlocked.Increment(ref s_counter)}",
        _ => throw new ArgumentOutOfRangeException(nameof(transport)),
    };

    /// <summary>Binds <paramref name="socket"/> on <paramref name="transport"/> and returns the endpoint to connect to.</summary>
    public static string Bind(ZeraSocket socket, string transport)
    {
        socket.Bind(ForBind(transport));
        return socket.LastEndpoint!;
    }
}
