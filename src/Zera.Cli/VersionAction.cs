using System.CommandLine;
using System.CommandLine.Invocation;

namespace Zera.Cli;

/// <summary><c>zera --version</c>: the tool's and the library's versions and the wire protocol, one per line, so a
/// bug report says exactly what ran.</summary>
public sealed class VersionAction : SynchronousCommandLineAction
{
    /// <inheritdoc />
    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var output = parseResult.InvocationConfiguration.Output;
        string tool = typeof(VersionAction).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";
        output.WriteLine($"zera {tool}");
        output.WriteLine($"library Zera {ZeraVersion.Informational}");
        output.WriteLine($"protocol ZMTP {ZeraVersion.Zmtp}");
        output.WriteLine($"runtime .NET {Environment.Version}");
        return ExitCodes.Ok;
    }
}
