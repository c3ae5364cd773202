using System.Text.RegularExpressions;

namespace Zera.IntegrationTests.Cli;

/// <summary><c>zera monitor</c>: one line per connection event, in libzmq's names, filtered by --events.</summary>
public sealed class CliMonitorTests
{
    [Fact]
    public void Monitor_prints_each_event_of_a_connection()
    {
        using var monitor = CliProcess.Start(["monitor", "tcp://127.0.0.1:*", "--bind", "--type", "pull", "--count", "4"]);
        string endpoint = monitor.WaitForStderr("listening on ");
        var sent = CliProcess.Run("send", endpoint, "hi");
        Assert.True(sent.ExitCode == 0, sent.StderrText);
        var result = monitor.WaitForExit();
        Assert.True(result.ExitCode == 0, result.StderrText);
        // libzmq's values: the descriptors of the listener and of the connection, 0 for the handshake.
        Assert.Matches($"^LISTENING {Regex.Escape(endpoint)} value=[1-9][0-9]*$", result.Stdout[0]);
        var accepted = Regex.Match(result.Stdout[1], $"^ACCEPTED {Regex.Escape(endpoint)} value=([1-9][0-9]*)$");
        Assert.True(accepted.Success, result.Stdout[1]);
        Assert.Equal($"HANDSHAKE_SUCCEEDED {endpoint} value=0", result.Stdout[2]);
        Assert.StartsWith($"DISCONNECTED {endpoint} value={accepted.Groups[1].Value} reason=", result.Stdout[3]);
    }

    [Fact]
    public void Events_selects_what_is_printed()
    {
        var result = CliProcess.Run("monitor", "tcp://127.0.0.1:1", "--type", "push", "--events", "CONNECT_RETRIED", "--count", "2");
        Assert.True(result.ExitCode == 0, result.StderrText);
        Assert.Equal(["CONNECT_RETRIED tcp://127.0.0.1:1 value=100", "CONNECT_RETRIED tcp://127.0.0.1:1 value=100"], result.Stdout);
        var numeric = CliProcess.Run("monitor", "tcp://127.0.0.1:1", "--type", "push", "--events", "0x4", "--count", "1");
        Assert.Equal(["CONNECT_RETRIED tcp://127.0.0.1:1 value=100"], numeric.Stdout);
    }

    [Fact]
    public void Unknown_event_name_is_refused()
    {
        var result = CliProcess.Run("monitor", "tcp://127.0.0.1:1", "--events", "BOGUS");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("unknown event 'BOGUS'", Assert.Single(result.Stderr));
    }
}
