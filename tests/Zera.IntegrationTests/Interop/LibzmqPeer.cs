using System.Diagnostics;
using System.Text;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Interop;

/// <summary>
/// A running Python/libzmq peer process (see <see cref="PeerScript"/>): started with a <see cref="PeerPlan"/> on its
/// stdin, read line by line from its stdout. Every wait is bounded; a peer still running at the deadline, or when the
/// test ends, is killed.
/// </summary>
internal sealed class LibzmqPeer : IDisposable
{
    /// <summary>Debian's interpreter, the one that has pyzmq (a pyenv <c>python3</c> earlier on PATH does not).</summary>
    public const string Interpreter = "/usr/bin/python3";

    private static readonly Lazy<string> s_scriptPath = new(WriteScript);

    private readonly Process _process;
    private readonly object _gate = new(); // a monitor: WaitForLine sleeps on it
    private readonly List<string> _lines = [];
    private readonly StringBuilder _stderr = new();
    private bool _stdoutEnded;

    private LibzmqPeer(Process process) => _process = process;

    /// <summary>Starts a peer running <paramref name="plan"/>.</summary>
    public static LibzmqPeer Start(PeerPlan plan)
    {
        var info = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-u");
        info.ArgumentList.Add(s_scriptPath.Value);
        var process = new Process { StartInfo = info };
        var peer = new LibzmqPeer(process);
        process.OutputDataReceived += (_, e) => peer.OnStdout(e.Data);
        process.ErrorDataReceived += (_, e) => peer.OnStderr(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Write(plan.ToJson());
        process.StandardInput.Close();
        return peer;
    }

    /// <summary>Everything the peer printed so far, for failure messages.</summary>
    public string Transcript
    {
        get
        {
            lock (_gate)
            {
                var sb = new StringBuilder("\n--- libzmq peer stdout ---\n");
                foreach (var line in _lines) sb.Append(line.Length > 300 ? line[..300] + "..." : line).Append('\n');
                if (_stderr.Length > 0) sb.Append("--- stderr ---\n").Append(_stderr);
                return sb.ToString();
            }
        }
    }

    /// <summary>Waits for the first line that starts with <paramref name="prefix"/> and returns the rest of it;
    /// fails the test if the peer ends or the time runs out first.</summary>
    public string WaitForLine(string prefix, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? Support.Wait.Timeout;
        lock (_gate)
        {
            while (true)
            {
                var hit = _lines.Find(l => l.StartsWith(prefix, StringComparison.Ordinal));
                if (hit != null) return hit[prefix.Length..];
                var left = limit - deadline.Elapsed;
                if (_stdoutEnded || left <= TimeSpan.Zero) break;
                Monitor.Wait(_gate, left);
            }
        }
        Assert.Fail($"the libzmq peer did not print '{prefix}' within {limit.TotalSeconds:F0} s{Transcript}");
        return "";
    }

    /// <summary>Waits for the peer to exit (killing it at the deadline) and returns its stdout lines. Fails the test
    /// unless it exited with code 0 after printing DONE.</summary>
    public IReadOnlyList<string> WaitForSuccess(TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        if (!_process.WaitForExit(limit))
        {
            _process.KillTree();
            Assert.Fail($"the libzmq peer was still running after {limit.TotalSeconds:F0} s and was killed{Transcript}");
        }
        _process.WaitForExit(); // drains the redirected streams
        lock (_gate)
        {
            if (_process.ExitCode != 0 || _lines.Count == 0 || _lines[^1] != "DONE")
                Assert.Fail($"the libzmq peer failed (exit code {_process.ExitCode}){Transcript}");
            return [.. _lines];
        }
    }

    /// <summary>The messages the peer reported receiving on socket <paramref name="sock"/>, each as its frame
    /// descriptions joined by spaces.</summary>
    public static List<string> Received(IEnumerable<string> lines, string sock)
    {
        string prefix = $"RECV {sock}";
        return [.. lines.Where(l => l == prefix || l.StartsWith(prefix + " ", StringComparison.Ordinal))
            .Select(l => l.Length == prefix.Length ? "" : l[(prefix.Length + 1)..])];
    }

    /// <summary>Kills the peer if it is still running.</summary>
    public void Dispose()
    {
        _process.KillTree();
        _process.Dispose();
    }


    private void OnStdout(string? line)
    {
        lock (_gate)
        {
            if (line == null) _stdoutEnded = true;
            else _lines.Add(line);
            Monitor.PulseAll(_gate);
        }
    }

    private void OnStderr(string? line)
    {
        if (line == null) return;
        lock (_gate) _stderr.Append(line).Append('\n');
    }

    private static string WriteScript()
    {
        var path = Path.Combine(Path.GetTempPath(), $"zera-interop-peer-{Environment.ProcessId}.py");
        File.WriteAllText(path, PeerScript.Source);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { File.Delete(path); } catch (IOException) { }
        };
        return path;
    }
}
