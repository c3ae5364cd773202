using System.Diagnostics;
using System.Text;
using Zera.IntegrationTests.Cli;
using Zera.IntegrationTests.Interop;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Examples;

/// <summary>
/// A libzmq peer for the examples' tests: Debian's python3 with pyzmq running a short inline script (the partner
/// example as the Guide's Python version would write it), its stdout read line by line. The script finds
/// <c>zmq</c>, <c>sys</c>, <c>time</c> and a context <c>ctx</c> ready, and its arguments in <c>sys.argv[1:]</c>; it kills
/// itself after 30 s whatever happens. Every wait here is bounded; <see cref="Dispose"/> kills a peer still running.
/// </summary>
internal sealed class PyzmqPeer : IDisposable
{
    private const string Prelude = """
        import signal, sys, time
        import zmq
        signal.alarm(30)
        ctx = zmq.Context()

        """;

    private readonly Process _process;
    private readonly object _gate = new(); // a monitor: waits sleep on it until a line arrives
    private readonly List<string> _lines = [];
    private readonly StringBuilder _stderr = new();
    private bool _ended;

    private PyzmqPeer(string script, IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(LibzmqPeer.Interpreter)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-u"); // unbuffered: each print reaches the test at once
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Prelude + script);
        foreach (var a in args) info.ArgumentList.Add(a);
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => OnStdout(e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data != null) lock (_gate) _stderr.Append(e.Data).Append('\n');
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _process.StandardInput.Close();
    }

    /// <summary>Starts <paramref name="script"/> (dedented Python, after the prelude) with <paramref name="args"/>.</summary>
    public static PyzmqPeer Start(string script, params string[] args) => new(script, args);

    /// <summary>Every line printed so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate) return [.. _lines];
        }
    }

    /// <summary>Waits for the first line starting with <paramref name="prefix"/>; returns the rest of it.</summary>
    public string WaitForLine(string prefix)
    {
        var clock = Stopwatch.StartNew();
        lock (_gate)
        {
            while (true)
            {
                var hit = _lines.Find(l => l.StartsWith(prefix, StringComparison.Ordinal));
                if (hit != null) return hit[prefix.Length..];
                var left = Wait.Timeout - clock.Elapsed;
                if (_ended || left <= TimeSpan.Zero) break;
                Monitor.Wait(_gate, left);
            }
        }
        Assert.Fail($"the pyzmq peer did not print '{prefix}' within {Wait.Timeout.TotalSeconds:F0} s{Transcript}");
        return "";
    }

    /// <summary>Waits (bounded) for the script to end; fails the test unless it exited 0. Returns its lines.</summary>
    public IReadOnlyList<string> WaitForSuccess()
    {
        if (!_process.WaitForExit(CliProcess.RunTimeout))
        {
            _process.KillTree();
            Assert.Fail($"the pyzmq peer was still running after {CliProcess.RunTimeout.TotalSeconds:F0} s{Transcript}");
        }
        _process.WaitForExit(); // drains the redirected output
        Assert.True(_process.ExitCode == 0, $"the pyzmq peer failed (exit code {_process.ExitCode}){Transcript}");
        return Lines;
    }

    /// <summary>What the peer printed, for failure messages.</summary>
    public string Transcript
    {
        get
        {
            lock (_gate) return $"\n--- pyzmq stdout ---\n{string.Join('\n', _lines)}\n--- stderr ---\n{_stderr}";
        }
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
            if (line == null) _ended = true;
            else _lines.Add(line);
            Monitor.PulseAll(_gate);
        }
    }
}
