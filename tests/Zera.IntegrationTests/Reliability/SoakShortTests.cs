using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Reliability;

/// <summary>
/// The soak suite (tests/Zera.Soak, bench/SOAK.md) run briefly, so CI exercises its harness: four scenarios (peer
/// churn over tcp, ipc and inproc; the bound side restarting under queued senders; subscribers churning thousands of
/// prefixes on an XPUB; 1 KiB-64 MiB messages with 100 MiB in flight) for 10 s each in a child process, which must
/// exit 0 with every check passed. Runs alone (a process of its own, but it measures itself, so the CPU
/// of parallel tests would only slow it).
/// </summary>
[Collection(nameof(ProcessWide))]
public sealed class SoakShortTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public void ShortSoakOfChurnReconnectPubSubAndLargeMessagesPasses()
    {
        var (exit, text) = RunSoak("--short", "--minutes", "0.17", "--scenario", "peer-churn", "--scenario", "reconnect-storm",
            "--scenario", "pubsub-churn", "--scenario", "large-message");
        output.WriteLine(text);
        Assert.True(exit == 0, $"the soak exited {exit}:\n{text}");
        Assert.Contains("PASS peer-churn", text);
        Assert.Contains("PASS reconnect-storm", text);
        Assert.Contains("PASS pubsub-churn", text);
        Assert.Contains("PASS large-message", text);
        Assert.Contains("soak: PASS", text);
    }

    [Fact]
    public void UnknownScenarioIsACommandLineError()
    {
        var (exit, text) = RunSoak("--short", "--scenario", "no-such-scenario");
        Assert.Equal(2, exit);
        Assert.Contains("unknown scenario no-such-scenario", text);
    }

    private static (int Exit, string Text) RunSoak(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(SoakDll());
        foreach (var a in args) start.ArgumentList.Add(a);
        var text = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (text) text.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (text) text.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(RunTimeout))
        {
            process.KillTree();
            Assert.Fail($"the soak did not finish within {RunTimeout.TotalSeconds:F0} s:\n{text}");
        }
        process.WaitForExit(); // the output is complete
        lock (text) return (process.ExitCode, text.ToString());
    }

    /// <summary>Zera.Soak.dll built beside this test assembly's configuration (the test project builds it first).</summary>
    private static string SoakDll()
    {
        var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = testDir;
        while (root != null && !File.Exists(Path.Combine(root.FullName, "Zera.slnx"))) root = root.Parent;
        Assert.NotNull(root);
        string dll = Path.Combine(root.FullName, "tests", "Zera.Soak", "bin", testDir.Parent!.Name, testDir.Name, "Zera.Soak.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built");
        return dll;
    }
}
