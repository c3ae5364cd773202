using System.Diagnostics;
using System.Text;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Cli;

/// <summary>
/// The live progress line of <c>recv</c>, <c>echo</c> and <c>proxy</c>: drawn, and erased around every printed line,
/// when standard output is a terminal (here a pseudo-terminal made by util-linux's <c>script</c>), and never when the
/// output is piped.
/// </summary>
public sealed class CliProgressTests
{
    private const string Erase = "\r\u001b[2K";

    [Fact]
    public void Recv_on_a_terminal_draws_a_progress_line_and_keeps_its_own_lines_clean()
    {
        string endpoint = Endpoints.ForBind("ipc");
        using var terminal = PseudoTerminal.Start("recv", endpoint, "--bind", "--count", "2", "--timeout", "15000");
        // The first redraw shows that it draws before anything arrives; then two messages.
        terminal.WaitFor(Erase + "received 0 ");
        Assert.Equal(0, CliProcess.Run("send", endpoint, "first", "--timeout", "10000").ExitCode);
        terminal.WaitFor(Erase + "received 1 ");
        Assert.Equal(0, CliProcess.Run("send", endpoint, "second", "2nd", "--timeout", "10000").ExitCode);
        string output = terminal.WaitForExit();

        Assert.Contains(Erase + "received 1 · sent 0 · ", output, StringComparison.Ordinal);
        // Every message line starts on an erased line, and once the progress text is taken out, what is left is
        // exactly what a pipe would get.
        var lines = output.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n')
            .Select(l => l.Contains(Erase, StringComparison.Ordinal) ? l[(l.LastIndexOf(Erase, StringComparison.Ordinal) + Erase.Length)..] : l)
            .Select(StripTerminalModes)
            .Where(l => l.Length > 0 && !l.StartsWith("received ", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(["first", "second\t2nd"], lines);
    }

    [Fact]
    public void Proxy_on_a_terminal_counts_what_it_moves()
    {
        string front = Endpoints.ForBind("ipc");
        string back = Endpoints.ForBind("ipc");
        using var terminal = PseudoTerminal.Start("proxy", front, back, "--front-type", "pull", "--back-type", "push");
        terminal.WaitFor(Erase + "received 0 · sent 0 ");
        using var recv = CliProcess.Start(["recv", back, "--count", "1", "--timeout", "15000"]);
        Assert.Equal(0, CliProcess.Run("send", front, "through", "--timeout", "10000").ExitCode);
        Assert.Equal(["through"], recv.WaitForExit().Stdout);
        // One message in at the frontend, one out at the backend.
        terminal.WaitFor(Erase + "received 1 · sent 1 ");
    }

    [Fact]
    public void Recv_into_a_pipe_never_draws()
    {
        string endpoint = Endpoints.ForBind("ipc");
        using var recv = CliProcess.Start(["recv", endpoint, "--bind", "--count", "1", "--timeout", "15000"]);
        // On a terminal the line would be drawn from the start, and every line printed would begin by erasing it.
        Assert.Equal(0, CliProcess.Run("send", endpoint, "piped", "--timeout", "10000").ExitCode);
        var result = recv.WaitForExit();
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["piped"], result.Stdout);
        Assert.DoesNotContain(result.Stdout.Concat(result.Stderr), l => l.Contains('\u001b', StringComparison.Ordinal));
    }

    /// <summary>Removes the keypad-mode switches .NET's console writes to a terminal.</summary>
    private static string StripTerminalModes(string line) =>
        line.Replace("\u001b[?1h\u001b=", "", StringComparison.Ordinal).Replace("\u001b[?1l\u001b>", "", StringComparison.Ordinal).TrimEnd('\r');

    /// <summary><c>zera ARGS</c> under <c>script -qec</c>, so its standard output is a pseudo-terminal; the test reads
    /// what the terminal shows. Every wait is bounded; Dispose kills what is left.</summary>
    private sealed class PseudoTerminal : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private PseudoTerminal(Process process) => _process = process;

        public static PseudoTerminal Start(params string[] args)
        {
            string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
            string command = string.Join(' ', new[] { dotnet, CliProcess.CliDll }.Concat(args).Select(Quote));
            var start = new ProcessStartInfo("script")
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (string a in (string[])["-q", "-e", "-c", command, "/dev/null"]) start.ArgumentList.Add(a);
            start.Environment["TERM"] = "xterm";
            var process = Process.Start(start) ?? throw new InvalidOperationException("script did not start");
            var terminal = new PseudoTerminal(process);
            _ = Task.Run(terminal.Pump);
            return terminal;
        }

        private async Task Pump()
        {
            var buffer = new char[4096];
            int n;
            try
            {
                while ((n = await _process.StandardOutput.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                {
                    lock (_output) _output.Append(buffer, 0, n);
                }
            }
            finally
            {
                _ended.TrySetResult();
            }
        }

        private string Text
        {
            get
            {
                lock (_output) return _output.ToString();
            }
        }

        public void WaitFor(string text) =>
            Wait.Until(() => Text.Contains(text, StringComparison.Ordinal) || _process.HasExited,
                $"'{Printable(text)}' on the terminal; so far: {Printable(Text)}");

        public string WaitForExit()
        {
            if (!_process.WaitForExit(CliProcess.RunTimeout))
                Assert.Fail($"zera under script still running after {CliProcess.RunTimeout}; terminal: {Printable(Text)}");
            _process.WaitForExit();
            Assert.True(_ended.Task.Wait(Wait.Timeout), "the terminal's output did not end");
            Assert.True(_process.ExitCode == 0, $"exit code {_process.ExitCode}; terminal: {Printable(Text)}");
            return Text;
        }

        private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

        private static string Printable(string s) => s.Replace("\u001b", "ESC", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);

        public void Dispose()
        {
            _process.KillTree();
            _process.Dispose();
        }
    }
}
