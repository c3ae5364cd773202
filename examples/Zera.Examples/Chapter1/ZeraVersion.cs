using System.Reflection;
using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter1;

/// <summary>version: the Guide's zmq_version example. Zera has no version call; the library assembly carries its
/// version, and the wire protocol it speaks is what decides interoperability.</summary>
public sealed class ZeraVersion : IExample
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
        var assembly = typeof(Context).Assembly;
        string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString(3) ?? "unknown";
        Console.WriteLine($"Current Zera version is {version.Split('+')[0]}");
        Console.WriteLine("Wire protocol: ZMTP 3.1 (ZMTP 3.0, 2.0 and 1.0 peers served too), as libzmq 4.x speaks it");
        return Task.FromResult(0);
    }
}
