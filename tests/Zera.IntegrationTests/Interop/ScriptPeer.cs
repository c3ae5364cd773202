using System.Diagnostics;
using System.Text;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Interop;

/// <summary>One pyzmq process running a test's script with its arguments; its stdout lines are collected so a test
/// can wait for a line that starts with a word. Every wait is bounded (20 s) and the process tree is killed when the
/// peer is disposed.</summary>
internal sealed class ScriptPeer : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _stderr = new();

    public ScriptPeer(string script, params string[] args)
    {
        var info = new ProcessStartInfo(LibzmqPeer.Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-u");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        foreach (var a in args) info.ArgumentList.Add(a);
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) =>
        {
            lock (_lines)
            {
                if (e.Data != null) _lines.Add(e.Data);
                Monitor.PulseAll(_lines);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr) _stderr.Append(e.Data).Append('\n');
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string WaitForLine(string prefix)
    {
        var clock = Stopwatch.StartNew();
        lock (_lines)
        {
            while (true)
            {
                var hit = _lines.Find(l => l.StartsWith(prefix + " ", StringComparison.Ordinal) || l == prefix);
                if (hit != null) return hit.Length == prefix.Length ? "" : hit[(prefix.Length + 1)..];
                var left = TimeSpan.FromSeconds(20) - clock.Elapsed;
                if (left <= TimeSpan.Zero) break;
                Monitor.Wait(_lines, left);
            }
            lock (_stderr) Assert.Fail($"pyzmq printed no '{prefix}': {string.Join(" | ", _lines)}; stderr: {_stderr}");
            return "";
        }
    }

    public void Dispose()
    {
        _process.KillTree();
        _process.Dispose();
    }
}
