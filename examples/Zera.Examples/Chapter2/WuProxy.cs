using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter2;

/// <summary>wuproxy: a forwarder between networks. An XSUB connects to the weather server, an XPUB takes the
/// subscribers; the proxy sends data down and subscriptions up, so the server still filters at the source.</summary>
public sealed class WuProxy : IExample
{
    /// <inheritdoc/>
    public static string Name => "wuproxy";

    /// <inheritdoc/>
    public static string Summary => "Weather proxy: XSUB to XPUB forwarder (subscriptions travel upstream)";

    /// <inheritdoc/>
    public static string Usage => """
        --frontend ENDPOINT   the weather server to connect to (default tcp://localhost:5556;
                              the Guide's is on another network, tcp://192.168.55.210:5556)
        --backend ENDPOINT    where subscribers connect (default tcp://*:8100)
        Runs until Ctrl-C.
        """;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        string frontendEndpoint = args.Option("--frontend", "tcp://localhost:5556");
        string backendEndpoint = args.Option("--backend", "tcp://*:8100");
        args.EnsureAllRead();

        using var context = new Context();
        using var frontend = context.CreateSocket(SocketType.XSub);
        frontend.Connect(frontendEndpoint);
        using var backend = context.CreateSocket(SocketType.XPub);
        backend.Bind(backendEndpoint);
        Console.WriteLine($"forwarding {frontendEndpoint} to {backend.LastEndpoint}");

        await Proxy.RunAsync(frontend, backend, cancellationToken: interrupted);
        return 0;
    }
}
