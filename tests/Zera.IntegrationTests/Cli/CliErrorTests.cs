namespace Zera.IntegrationTests.Cli;

/// <summary>A bad command line gets one clear line on stderr and a non-zero exit code, never a stack trace.</summary>
public sealed class CliErrorTests
{
    public static TheoryData<string[]> BadCommandLines => new()
    {
        new[] { "recv", "foo" },                                             // not an endpoint
        new[] { "send", "nope://somewhere", "hi" },                          // unknown transport
        new[] { "recv", "tcp://127.0.0.1:notaport", "--bind" },              // bad port
        new[] { "recv", "tcp://127.0.0.1:5555", "--type", "bogus" },         // unknown socket type
        new[] { "send", "tcp://127.0.0.1:5555", "hi", "--type", "pull" },    // a type that cannot send
        new[] { "echo", "tcp://127.0.0.1:5555", "--type", "push" },          // a type that cannot echo
        new[] { "recv", "tcp://127.0.0.1:5555", "--bogus" },                 // unknown option
        new[] { "recv", "tcp://127.0.0.1:5555", "--count", "many" },         // bad option value
        new[] { "send", "tcp://127.0.0.1:5555", "0xabc" },                   // odd hex frame
        new[] { "send", "tcp://127.0.0.1:5555", "--type", "router" },        // ROUTER without a peer id
        new[] { "recv", "tcp://127.0.0.1:5555", "--routing-id", "0x00ab" },  // reserved routing id
        new[] { "frobnicate" },                                              // unknown command
        new[] { "bench", "thr", "tcp://10.1.2.3:5555", "64", "100" },        // not loopback
        new[] { "bench", "thr", "-m", "procs", "inproc://x", "64", "100" },  // inproc across processes
        new[] { "bench", "lat", "inproc://x", "big", "100" },                // bad SIZE
        new[] { "bench", "lat", "-r", "send", "inproc://x", "64", "100" },   // a thr role for lat
    };

    [Theory]
    [MemberData(nameof(BadCommandLines))]
    public void Bad_input_is_one_line_on_stderr_and_a_nonzero_exit_code(string[] args)
    {
        var result = CliProcess.Run(args);
        Assert.NotEqual(0, result.ExitCode);
        string line = Assert.Single(result.Stderr);
        Assert.StartsWith("zera: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", line, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public void A_bad_endpoint_message_names_the_problem()
    {
        var result = CliProcess.Run("recv", "foo");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("'foo' is not an endpoint", Assert.Single(result.Stderr), StringComparison.Ordinal);
    }

}
