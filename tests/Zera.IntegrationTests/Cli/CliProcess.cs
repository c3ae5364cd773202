using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Cli;

/// <summary>
/// The real <c>zera</c> tool run as a child process (<c>dotnet Zera.Cli.dll ...</c>, from this repository's build
/// of the same configuration as the tests), with its output collected line by line; <see cref="StartExample"/> runs
/// the Guide's examples program (<c>Zera.Examples.dll</c>) the same way. Every wait is bounded; a process still
/// running when the test is done is killed.
/// </summary>
public sealed class CliProcess : IDisposable
{
    /// <summary>The bound for a whole CLI run in these tests.</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(20);

    private static readonly Lazy<string> s_dll = new(() => FindDll(Path.Combine("src", "Zera.Cli"), "Zera.Cli.dll"));
    private static readonly Lazy<bool> s_sigIntIgnored = new(SigIntIgnored);
    private static readonly Lazy<string> s_examplesDll = new(() => FindDll(Path.Combine("examples", "Zera.Examples"), "Zera.Examples.dll"));
    /// <summary>The tool's assembly, for tests that start it some other way (under a pseudo-terminal, say).</summary>
    public static string CliDll => s_dll.Value;

    private static readonly Lazy<string> s_hostingDll = new(() => FindDll(Path.Combine("examples", "Zera.Examples.Hosting"), "Zera.Examples.Hosting.dll"));

    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly string _commandLine;

    private CliProcess(IReadOnlyList<string> args, string? stdin, IReadOnlyDictionary<string, string>? environment, bool keepInputOpen = false,
        string? dll = null, string name = "zera", int? fileLimit = null)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        // A child inherits an ignored SIGINT (this test run started in the background of a shell, say), and .NET
        // then leaves it ignored: start such a child through env(1) with SIGINT back to its default, so that
        // Ctrl-C handling can be tested. env execs the program, so the process id stays the child's.
        bool restoreSigInt = s_sigIntIgnored.Value;
        var start = new ProcessStartInfo(restoreSigInt ? "env" : dotnet)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (restoreSigInt)
        {
            start.ArgumentList.Add("--default-signal=INT");
            start.ArgumentList.Add(dotnet);
        }
        start.ArgumentList.Add(dll ?? s_dll.Value);
        foreach (var a in args) start.ArgumentList.Add(a);
        if (fileLimit is { } limit)
        {
            // Through bash for its ulimit; exec keeps the process id the tool's own.
            var command = new List<string> { start.FileName };
            command.AddRange(start.ArgumentList);
            start.FileName = "bash";
            start.ArgumentList.Clear();
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add($"ulimit -n {limit} && exec \"$@\"");
            start.ArgumentList.Add(name);
            foreach (var a in command) start.ArgumentList.Add(a);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        if (environment != null)
        {
            foreach (var (key, value) in environment) start.Environment[key] = value;
        }
        _commandLine = name + " " + string.Join(' ', args);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Collect(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(_stderr, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (stdin != null)
        {
            _process.StandardInput.Write(stdin);
        }
        if (!keepInputOpen) _process.StandardInput.Close();
    }

    /// <summary>Starts <c>zera ARGS</c> with its stdin left open: write to it with <see cref="WriteLine"/>, end it
    /// with <see cref="CloseInput"/>.</summary>
    public static CliProcess StartWithInput(IReadOnlyList<string> args) => new(args, stdin: null, environment: null, keepInputOpen: true);

    /// <summary>Starts <c>zera ARGS</c> (stdin closed) with at most <paramref name="openFiles"/> open file descriptors
    /// (<c>ulimit -n</c>).</summary>
    public static CliProcess StartWithFileLimit(int openFiles, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null) =>
        new(args, stdin: null, environment, fileLimit: openFiles);

    /// <summary>The process's id (the tool's own, also when started through a wrapper).</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Writes one line to the process's stdin, at once.</summary>
    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Ends the process's stdin.</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Lines printed on stdout so far.</summary>
    public IReadOnlyList<string> Stdout => Snapshot(_stdout);

    /// <summary>Lines printed on stderr so far.</summary>
    public IReadOnlyList<string> Stderr => Snapshot(_stderr);

    /// <summary>Starts the examples program, <c>Zera.Examples ARGS</c>, with stdin closed.</summary>
    public static CliProcess StartExample(IReadOnlyList<string> args) =>
        new(args, stdin: null, environment: null, dll: s_examplesDll.Value, name: "Zera.Examples");

    /// <summary>Starts the worker-service example, <c>Zera.Examples.Hosting ARGS</c>, with stdin closed.</summary>
    public static CliProcess StartHostingExample(IReadOnlyList<string> args) =>
        new(args, stdin: null, environment: null, dll: s_hostingDll.Value, name: "Zera.Examples.Hosting");

    /// <summary>Starts <c>zera ARGS</c>; stdin gets <paramref name="stdin"/> (or nothing) and is then closed.</summary>
    public static CliProcess Start(IReadOnlyList<string> args, string? stdin = null, IReadOnlyDictionary<string, string>? environment = null) =>
        new(args, stdin, environment);

    /// <summary>Runs <c>zera ARGS</c> to its end (bounded by <see cref="RunTimeout"/>).</summary>
    public static CliResult Run(params string[] args) => Run(args, stdin: null);

    /// <summary>Runs <c>zera ARGS</c> with <paramref name="stdin"/> to its end (bounded by <see cref="RunTimeout"/>).</summary>
    public static CliResult Run(IReadOnlyList<string> args, string? stdin, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(args, stdin, environment);
        return process.WaitForExit();
    }

    /// <summary>Waits for the process to end (killing it after <paramref name="timeout"/>, which fails the test).</summary>
    public CliResult WaitForExit(TimeSpan? timeout = null)
    {
        var limit = timeout ?? RunTimeout;
        if (!_process.WaitForExit(limit))
        {
            _process.KillTree();
            Assert.Fail($"'{_commandLine}' did not finish within {limit.TotalSeconds:F0} s; stderr: {string.Join(" | ", Stderr)}");
        }
        DrainOutput();
        return new CliResult(_process.ExitCode, Stdout, Stderr);
    }

    /// <summary>After the exit: waits (bounded) for the output to be read to its end, as the overload of
    /// WaitForExit with no timeout does.</summary>
    private void DrainOutput()
    {
        using var drained = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            _process.WaitForExitAsync(drained.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // Output still open (a grandchild holds it): use what arrived.
        }
    }

    /// <summary>Waits until a stderr line contains <paramref name="marker"/>; returns the text after it.</summary>
    public string WaitForStderr(string marker) => WaitForLines(_stderr, "stderr", marker, 1)[0];

    /// <summary>Waits until <paramref name="count"/> stderr lines contain <paramref name="marker"/>; returns the text
    /// after it in each, in order.</summary>
    public IReadOnlyList<string> WaitForStderr(string marker, int count) => WaitForLines(_stderr, "stderr", marker, count);

    /// <summary>Waits until a stdout line contains <paramref name="marker"/>; returns the text after it.</summary>
    public string WaitForStdout(string marker) => WaitForLines(_stdout, "stdout", marker, 1)[0];

    /// <summary>Sends SIGINT to the process, as Ctrl-C in its terminal would.</summary>
    public void Interrupt()
    {
        const int sigint = 2;
        if (Kill(_process.Id, sigint) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, SIGINT) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    private string[] WaitForLines(List<string> lines, string stream, string marker, int count)
    {
        string[] found = [];
        Wait.Until(() =>
        {
            found = [.. Snapshot(lines).Where(l => l.Contains(marker, StringComparison.Ordinal))];
            return found.Length >= count || _process.HasExited;
        }, $"'{marker}' on the {stream} of '{_commandLine}'");
        if (found.Length < count)
        {
            DrainOutput(); // exited: read its output to the end before judging
            found = [.. Snapshot(lines).Where(l => l.Contains(marker, StringComparison.Ordinal))];
        }
        Assert.True(found.Length >= count,
            $"'{_commandLine}' exited before printing '{marker}' ({count}x); stdout: {string.Join(" | ", Stdout)}; stderr: {string.Join(" | ", Stderr)}");
        return [.. found.Take(count).Select(l => l[(l.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].Trim())];
    }

    /// <summary>The command line, as shown in failure messages.</summary>
    public override string ToString() => _commandLine;

    /// <summary>Kills the process (and any peer it started) if it is still running.</summary>
    public void Dispose()
    {
        _process.KillTree();
        _process.Dispose();
    }


    private static void Collect(List<string> lines, string? line)
    {
        if (line == null) return;
        lock (lines) lines.Add(line);
    }

    private static string[] Snapshot(List<string> lines)
    {
        lock (lines) return [.. lines];
    }

    /// <summary>True when this process ignores SIGINT (/proc/self/status, SigIgn has bit 1 for signal 2).</summary>
    private static bool SigIntIgnored()
    {
        if (!OperatingSystem.IsLinux()) return false;
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line != null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0x2) != 0;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>&lt;project&gt;/bin/&lt;Configuration&gt;/net10.0/&lt;dll&gt; of this checkout, the configuration being
    /// the test assembly's own (…/bin/&lt;Configuration&gt;/net10.0/).</summary>
    private static string FindDll(string project, string dllName)
    {
        var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = testDir.Name;
        string configuration = testDir.Parent?.Name ?? throw new InvalidOperationException($"unexpected test folder {testDir}");
        var root = testDir;
        while (root != null && !File.Exists(Path.Combine(root.FullName, "Zera.slnx"))) root = root.Parent;
        if (root == null) throw new InvalidOperationException($"Zera.slnx not found above {testDir}");
        string dll = Path.Combine(root.FullName, project, "bin", configuration, framework, dllName);
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is not built (the test project builds it first)");
        return dll;
    }
}

/// <summary>How a CLI run ended.</summary>
public sealed record CliResult(int ExitCode, IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr)
{
    /// <summary>Everything on stderr, for assertion messages.</summary>
    public string StderrText => string.Join('\n', Stderr);
}
