using Zera.IntegrationTests.Cli;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Examples;

/// <summary>Shorthands for running the Guide's examples as child processes (<see cref="CliProcess.StartExample"/>).</summary>
internal static class ExampleRun
{
    /// <summary>A fresh ipc endpoint (a path under the temporary folder), unique in this test run: known before any
    /// process starts, so partners can be started in any order (a connect before the bind is retried).</summary>
    public static string Ipc() => Endpoints.ForBind("ipc");

    /// <summary>Starts <c>Zera.Examples ARGS</c>.</summary>
    public static CliProcess Start(params string[] args) => CliProcess.StartExample(args);

    /// <summary>Waits (bounded) for <paramref name="example"/> to exit and asserts it exited 0.</summary>
    public static CliResult Succeeds(this CliProcess example)
    {
        var result = example.WaitForExit();
        Assert.True(result.ExitCode == 0,
            $"'{example}' exited {result.ExitCode}; stdout: {string.Join(" | ", result.Stdout)}; stderr: {result.StderrText}");
        return result;
    }

    /// <summary>Sends Ctrl-C to a server that runs until interrupted; asserts it closes cleanly (exit 0).</summary>
    public static CliResult InterruptSucceeds(this CliProcess example)
    {
        example.Interrupt();
        return example.Succeeds();
    }

    /// <summary>Runs <c>Zera.Examples ARGS</c> to its end and asserts it exited 0.</summary>
    public static CliResult RunToSuccess(params string[] args)
    {
        using var example = Start(args);
        return example.Succeeds();
    }
}
