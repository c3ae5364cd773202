namespace Zera.IntegrationTests.Cli;

/// <summary><c>zera tour</c> runs end to end; the built-in help documents every command.</summary>
public sealed class CliTourAndHelpTests
{
    [Fact]
    public void Tour_runs_every_pattern_over_every_transport_and_exits_0()
    {
        var result = CliProcess.Run("tour", "--messages", "20000", "--roundtrips", "300");
        Assert.True(result.ExitCode == 0, result.StderrText);
        Assert.Empty(result.Stderr);
        foreach (var transport in new[] { "tcp", "ipc", "inproc" })
        {
            Assert.Contains(result.Stdout, l => l.StartsWith("request-reply", StringComparison.Ordinal) && l.Contains($"  {transport}  ", StringComparison.Ordinal));
            Assert.Contains(result.Stdout, l => l.StartsWith("pipeline", StringComparison.Ordinal) && l.Contains($"  {transport}  ", StringComparison.Ordinal));
            Assert.Contains(result.Stdout, l => l.StartsWith("publish-subscribe", StringComparison.Ordinal) && l.Contains($"  {transport}  ", StringComparison.Ordinal));
        }
        Assert.Equal(3, result.Stdout.Count(l => l.Contains("\"hello 1\" -> \"HELLO 1\"", StringComparison.Ordinal)));
        Assert.Equal(6, result.Stdout.Count(l => l.Contains("msgs/s", StringComparison.Ordinal))); // pipeline and pub-sub
        // Each subscriber got only its prefix.
        Assert.Equal(3, result.Stdout.Count(l => l.Contains("\"sports.\" got \"sports.goal 1-0\"", StringComparison.Ordinal)));
        Assert.DoesNotContain(result.Stdout, l => l.Contains("\"weather.\" got \"sports", StringComparison.Ordinal));
    }

    [Fact]
    public void Help_lists_every_command()
    {
        var result = CliProcess.Run("--help");
        Assert.Equal(0, result.ExitCode);
        string text = string.Join('\n', result.Stdout);
        foreach (var command in new[] { "tour", "send", "recv", "echo", "monitor", "bench" })
            Assert.Contains($"  {command}", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("send", new[] { "--type", "--bind", "--count", "--linger", "--timeout", "--routing-id", "FRAME" })]
    [InlineData("bench thr", new[] { "--mode", "--pattern", "--copy", "--role", "--hold", "COUNT" })]
    [InlineData("bench lat", new[] { "--mode", "--warmup", "--role", "--hold", "ROUNDTRIPS" })]
    public void Command_help_documents_its_options(string command, string[] expected)
    {
        var result = CliProcess.Run([.. command.Split(' '), "--help"], stdin: null);
        Assert.Equal(0, result.ExitCode);
        string text = string.Join('\n', result.Stdout);
        Assert.Contains($"zera {command}", text, StringComparison.Ordinal);
        foreach (var item in expected) Assert.Contains(item, text, StringComparison.Ordinal);
    }
}
