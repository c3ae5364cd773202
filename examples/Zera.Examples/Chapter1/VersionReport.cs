using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter1;

/// <summary>version: the Guide's zmq_version example, with <see cref="Zera.ZeraVersion"/>. The wire protocol it
/// speaks is what decides interoperability.</summary>
public sealed class VersionReport : IExample
{
    /// <inheritdoc/>
    public static string Name => "version";

    /// <inheritdoc/>
    public static string Summary => "Reports the Zera version and the ZMTP protocol it speaks";

    /// <inheritdoc/>
    public static string Usage => "(no options)";

    /// <inheritdoc/>
    public static Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        args.EnsureAllRead();
        Console.WriteLine($"Current Zera version is {Zera.ZeraVersion.Library}");
        Console.WriteLine($"Wire protocol: ZMTP {Zera.ZeraVersion.Zmtp} (ZMTP 3.0, 2.0 and 1.0 peers served too), as libzmq 4.x speaks it");
        return Task.FromResult(0);
    }
}
