namespace Zera.IntegrationTests.Cli;

/// <summary><c>zera bench</c> prints the anchor harness's RESULT line, with the peer in a thread or a process.</summary>
public sealed class CliBenchTests
{
    private static readonly Dictionary<string, string> s_boundedWaits = new() { ["ANCHOR_TIMEOUT_MS"] = "15000" };

    [Fact]
    public void Thr_over_inproc_prints_a_result_line()
    {
        var result = RunBench("thr", "inproc://cli-thr", "64", "20000");
        string line = Assert.Single(result.Stdout);
        AssertFields(line, "impl=zera", "test=thr", "transport=inproc", "pattern=pushpull", "mode=threads", "api=msg", "size=64", "count=20000");
        AssertKeys(line, "version", "runtime", "elapsed_s", "msgs_per_s", "mb_per_s");
    }

    /// <summary>The harness's pub/sub row: an XPUB sender that waits for the subscription, a SUB that measures;
    /// nothing may be dropped, so every message of the count arrives (over tcp, the sender a process).</summary>
    [Fact]
    public void Thr_pubsub_over_tcp_prints_a_result_line()
    {
        var result = RunBench("thr", "-p", "pubsub", "tcp://127.0.0.1:*", "64", "20000");
        AssertFields(Assert.Single(result.Stdout), "test=thr", "transport=tcp", "pattern=pubsub", "mode=procs", "size=64", "count=20000");
    }

    /// <summary>The harness's fan-out test: every subscriber gets every message (it would time out otherwise), with
    /// the subscribers as threads (inproc) and as processes reporting back over a pipe (tcp).</summary>
    [Theory]
    [InlineData("inproc://cli-fan", "3")]
    [InlineData("tcp://127.0.0.1:*", "2")]
    public void Fan_prints_the_aggregate_of_its_subscribers(string endpoint, string subscribers)
    {
        var result = RunBench("fan", "-n", subscribers, endpoint, "64", "20000");
        string line = Assert.Single(result.Stdout);
        AssertFields(line, "impl=zera", "test=fan", $"subscribers={subscribers}", "size=64", "count=20000");
        AssertKeys(line, "elapsed_s", "msgs_per_s", "per_sub_msgs_per_s", "mb_per_s", "min_elapsed_s");
    }

    /// <summary>The send cost with many subscriptions: the run checks itself (every matching message reaches the
    /// subscriber, a message matching none reaches nobody) and reports the cost per send.</summary>
    [Theory]
    [InlineData("one")]
    [InlineData("none")]
    public void Subs_prints_the_send_cost_with_many_subscriptions(string match)
    {
        var result = RunBench("subs", "-n", "1000", "-x", match, "64", "20000");
        string line = Assert.Single(result.Stdout);
        AssertFields(line, "impl=zera", "test=subs", "transport=inproc", "subscriptions=1000", $"match={match}", "size=64", "count=20000");
        AssertKeys(line, "subscribe_s", "send_s", "ns_per_msg", "msgs_per_s");
    }

    [Fact]
    public void Thr_with_the_copy_api_and_a_peer_process_over_ipc_prints_a_result_line()
    {
        string endpoint = $"ipc://{Path.Combine(Path.GetTempPath(), $"zera-cli-bench-{Guid.NewGuid():N}.ipc")}";
        var result = RunBench("thr", "-c", endpoint, "1024", "5000");
        AssertFields(Assert.Single(result.Stdout), "test=thr", "transport=ipc", "mode=procs", "api=copy", "size=1024", "count=5000");
    }

    /// <summary>--async: the same stream through SendAsync and ReceiveAsync, every message counted (the run times out
    /// otherwise), with the sender a thread (inproc) or a process given -a (tcp), frames or copies.</summary>
    [Theory]
    [InlineData("inproc://cli-thr-async", "threads", false)]
    [InlineData("tcp://127.0.0.1:*", "procs", false)]
    [InlineData("tcp://127.0.0.1:*", "procs", true)]
    public void Thr_with_the_async_api_prints_a_result_line(string endpoint, string mode, bool copy)
    {
        var result = copy ? RunBench("thr", "--async", "-c", endpoint, "64", "20000") : RunBench("thr", "-a", endpoint, "64", "20000");
        AssertFields(Assert.Single(result.Stdout), "test=thr", $"mode={mode}", copy ? "api=async-copy" : "api=async-msg", "size=64", "count=20000");
    }

    /// <summary>--async round trips: REQ and REP both async, over inproc (a thread) and tcp (a process).</summary>
    [Theory]
    [InlineData("inproc://cli-lat-async", "threads")]
    [InlineData("tcp://127.0.0.1:*", "procs")]
    public void Lat_with_the_async_api_prints_a_result_line(string endpoint, string mode)
    {
        var result = RunBench("lat", "--async", "-w", "10", endpoint, "64", "500");
        string line = Assert.Single(result.Stdout);
        AssertFields(line, "test=lat", $"mode={mode}", "api=async", "size=64", "count=500", "warmup=10");
        AssertKeys(line, "rtt_mean_us", "rtt_p99_us");
    }

    [Fact]
    public void Lat_over_inproc_prints_a_result_line()
    {
        var result = RunBench("lat", "inproc://cli-lat", "64", "1000");
        string line = Assert.Single(result.Stdout);
        AssertFields(line, "impl=zera", "test=lat", "transport=inproc", "pattern=reqrep", "mode=threads", "size=64", "count=1000", "warmup=100");
        AssertKeys(line, "version", "runtime", "elapsed_s", "rtt_mean_us", "oneway_us", "rtt_p50_us", "rtt_p99_us");
    }

    [Fact]
    public void Lat_with_a_peer_process_over_tcp_prints_a_result_line()
    {
        // "*": the peer process is given the resolved port.
        var result = RunBench("lat", "-w", "10", "tcp://127.0.0.1:*", "1", "200");
        AssertFields(Assert.Single(result.Stdout), "test=lat", "transport=tcp", "mode=procs", "size=1", "count=200", "warmup=10");
    }

    private static CliResult RunBench(params string[] args)
    {
        var result = CliProcess.Run(["bench", .. args], stdin: null, s_boundedWaits);
        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}: {result.StderrText}");
        Assert.Empty(result.Stderr);
        return result;
    }

    private static void AssertFields(string line, params string[] fields)
    {
        Assert.StartsWith("RESULT ", line, StringComparison.Ordinal);
        var present = line.Split(' ');
        foreach (var field in fields) Assert.Contains(field, present);
    }

    private static void AssertKeys(string line, params string[] keys)
    {
        var present = line.Split(' ').Skip(1).Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => kv[1]);
        foreach (var key in keys) Assert.False(string.IsNullOrEmpty(present.GetValueOrDefault(key)), $"no {key}= in {line}");
    }
}
