using System.Diagnostics;
using System.Globalization;

namespace Zera.Cli.Bench;

/// <summary>The other side of a measurement: a second thread, or this executable run again as a second process.</summary>
public abstract class BenchPeer : IDisposable
{
    /// <summary>Waits (bounded) for the peer to finish; throws if it failed or overstayed.</summary>
    public abstract void Finish();

    /// <summary>Stops the peer if it is still running (after a failure of the measuring side).</summary>
    public abstract void Dispose();

    /// <summary>Runs <paramref name="body"/> in a background thread.</summary>
    public static BenchPeer StartThread(string name, Action body, int timeoutMs) => new ThreadPeer(name, body, timeoutMs);

    /// <summary>Starts <c>zera bench ARGS</c> as a child process with stdin as a pipe (closed by
    /// <see cref="Finish"/> to release a peer run with -W); with <paramref name="captureOutput"/> its stdout is a
    /// pipe read by <see cref="ReadLine"/>.</summary>
    public static BenchPeer StartProcess(string name, IEnumerable<string> args, int timeoutMs, bool captureOutput = false) =>
        new ProcessPeer(name, args, timeoutMs, captureOutput);

    /// <summary>The next line the peer printed (a process started with its output captured), waiting up to
    /// <paramref name="timeoutMs"/>; null if none came.</summary>
    public virtual string? ReadLine(int timeoutMs) => throw new InvalidOperationException("this peer's output is not captured");

    private sealed class ThreadPeer : BenchPeer
    {
        private readonly string _name;
        private readonly Thread _thread;
        private readonly int _timeoutMs;
        private Exception? _error;

        public ThreadPeer(string name, Action body, int timeoutMs)
        {
            _name = name;
            _timeoutMs = timeoutMs;
            _thread = new Thread(() =>
            {
                try
                {
                    body();
                }
                catch (Exception e)
                {
                    _error = e;
                }
            }) { IsBackground = true, Name = name };
            _thread.Start();
        }

        public override void Finish()
        {
            if (!_thread.Join(_timeoutMs)) throw new CliException($"bench: the {_name} thread did not finish within {_timeoutMs} ms", ExitCodes.Failure);
            if (_error != null) throw new CliException($"bench: the {_name} thread failed: {_error.Message}", ExitCodes.Failure);
        }

        public override void Dispose()
        {
            // A thread cannot be stopped from outside; disposing the context wakes it with a termination error.
        }
    }

    private sealed class ProcessPeer : BenchPeer
    {
        private readonly string _name;
        private readonly Process _process;
        private readonly int _timeoutMs;

        public ProcessPeer(string name, IEnumerable<string> args, int timeoutMs, bool captureOutput)
        {
            _name = name;
            _timeoutMs = timeoutMs;
            string exe = Environment.ProcessPath ?? throw new CliException("bench: cannot find this executable to start the peer", ExitCodes.Failure);
            var start = new ProcessStartInfo(exe) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = captureOutput };
            // Run as "dotnet zera.dll": the peer needs the dll too.
            if (Path.GetFileNameWithoutExtension(exe) == "dotnet") start.ArgumentList.Add(typeof(BenchPeer).Assembly.Location);
            start.ArgumentList.Add("bench");
            foreach (var a in args) start.ArgumentList.Add(a);
            start.Environment[PeerLifetime.ParentPidVariable] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            _process = Process.Start(start) ?? throw new CliException($"bench: could not start the {name} process", ExitCodes.Failure);
        }

        public override string? ReadLine(int timeoutMs)
        {
            var line = _process.StandardOutput.ReadLineAsync();
            return line.Wait(timeoutMs) ? line.Result : null;
        }

        public override void Finish()
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(_timeoutMs))
            {
                Kill();
                throw new CliException($"bench: the {_name} process was killed after {_timeoutMs} ms", ExitCodes.Failure);
            }
            if (_process.ExitCode != 0)
                throw new CliException($"bench: the {_name} process exited with code {_process.ExitCode}", ExitCodes.Failure);
        }

        public override void Dispose()
        {
            if (!_process.HasExited) Kill();
            _process.Dispose();
        }

        private void Kill()
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            _process.WaitForExit(_timeoutMs);
        }
    }
}
