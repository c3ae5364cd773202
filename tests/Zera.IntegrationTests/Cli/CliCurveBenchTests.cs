namespace Zera.IntegrationTests.Cli;

/// <summary><c>zera bench thr --curve</c> and <c>zera bench hs</c>, as bench/curve/run.sh calls them: the RESULT
/// line carries the mechanism and the field the script reads.</summary>
public sealed class CliCurveBenchTests
{
    private static readonly Dictionary<string, string> s_boundedWaits = new() { ["ANCHOR_TIMEOUT_MS"] = "15000" };

    [Theory]
    [InlineData(true, "CURVE")]
    [InlineData(false, "NULL")]
    public void Hs_prints_the_connection_rate(bool curve, string mechanism)
    {
        string[] args = ["hs", "tcp://127.0.0.1:*", "20", .. curve ? new[] { "--curve" } : []];
        var fields = Fields(RunBench(args));
        Assert.Equal("hs", fields["test"]);
        Assert.Equal("tcp", fields["transport"]);
        Assert.Equal(mechanism, fields["mechanism"]);
        Assert.Equal("20", fields["count"]);
        Assert.True(double.Parse(fields["conns_per_s"], System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public void Thr_with_curve_in_threads_mode_says_so()
    {
        var fields = Fields(RunBench("thr", "-m", "threads", "tcp://127.0.0.1:*", "64", "5000", "--curve"));
        Assert.Equal("CURVE", fields["mechanism"]);
        Assert.Equal("threads", fields["mode"]);
        Assert.False(string.IsNullOrEmpty(fields["msgs_per_s"]));
    }

    /// <summary>The sender process is given the server's public key on its command line.</summary>
    [Fact]
    public void Thr_with_curve_and_a_sender_process_delivers_every_message()
    {
        var fields = Fields(RunBench("thr", "tcp://127.0.0.1:*", "64", "5000", "--curve"));
        Assert.Equal("CURVE", fields["mechanism"]);
        Assert.Equal("procs", fields["mode"]);
    }

    [Fact]
    public void Thr_without_curve_says_null()
    {
        Assert.Equal("NULL", Fields(RunBench("thr", "inproc://cli-thr-null", "64", "1000"))["mechanism"]);
    }

    [Theory]
    [InlineData("thr", "inproc://x", "64", "100", "--curve")]       // no mechanism on inproc
    [InlineData("thr", "-r", "send", "tcp://127.0.0.1:1", "64", "100", "--curve")] // a client without the server's key
    [InlineData("hs", "tcp://127.0.0.1:1", "0")]                      // no connections
    public void Bad_curve_bench_command_lines_are_usage_errors(params string[] args)
    {
        var result = CliProcess.Run(["bench", .. args], stdin: null, s_boundedWaits);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("zera: ", Assert.Single(result.Stderr), StringComparison.Ordinal);
    }

    [Fact]
    public void Bench_help_documents_curve_and_hs()
    {
        string thr = string.Join('\n', CliProcess.Run("bench", "thr", "--help").Stdout);
        foreach (var option in new[] { "--curve", "--curve-server-key", "--curve-secret-key" })
            Assert.Contains(option, thr, StringComparison.Ordinal);
        var hs = CliProcess.Run("bench", "hs", "--help");
        Assert.Equal(0, hs.ExitCode);
        Assert.Contains("--curve", string.Join('\n', hs.Stdout), StringComparison.Ordinal);
    }

    private static string RunBench(params string[] args)
    {
        var result = CliProcess.Run(["bench", .. args], stdin: null, s_boundedWaits);
        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}: {result.StderrText}");
        Assert.Empty(result.Stderr);
        return Assert.Single(result.Stdout);
    }

    private static Dictionary<string, string> Fields(string line)
    {
        Assert.StartsWith("RESULT ", line, StringComparison.Ordinal);
        return line.Split(' ').Skip(1).Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
    }
}
