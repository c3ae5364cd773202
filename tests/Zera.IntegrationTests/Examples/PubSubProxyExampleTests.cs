namespace Zera.IntegrationTests.Examples;

/// <summary>espresso and lvcache (chapter 5): an XPUB-XSUB proxy traced by its capture socket, and a last-value cache
/// serving late libzmq subscribers.</summary>
public sealed class PubSubProxyExampleTests
{
    /// <summary>The listener sees the subscriptions go up (0x01 A, 0x01 B), the data come down, and the cancels
    /// when the subscriber leaves; Ctrl-C then stops the proxy and the three tasks.</summary>
    [Fact]
    public void Espresso_listener_sees_subscriptions_and_data()
    {
        using var espresso = ExampleRun.Start("espresso", "--publisher", "tcp://127.0.0.1:*", "--subscriber", "tcp://127.0.0.1:*",
            "--count", "3", "--interval", "2");
        espresso.WaitForStdout("subscriber: read 3 messages");
        espresso.WaitForStdout("[002] 0042"); // B's cancel (the last one up) after the subscriber left

        var lines = espresso.InterruptSucceeds().Stdout;
        Assert.Contains("[002] 0141", lines);
        Assert.Contains("[002] 0142", lines);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\[007\] [AB]-\d{5}$"));
        Assert.Equal(" interrupted", lines[^1]);
    }

    /// <summary>A libzmq publisher sends one value of topic 007 and stays; then two libzmq subscribers join one after
    /// the other, and each gets the cached value at once from lvcache.</summary>
    [Fact]
    public void Lvcache_gives_late_libzmq_subscribers_the_last_value()
    {
        using var cache = ExampleRun.Start("lvcache", "--frontend", "tcp://127.0.0.1:*", "--backend", "tcp://127.0.0.1:*");
        string[] endpoints = cache.WaitForStdout("caching ").Split(' ');
        using var publisher = PyzmqPeer.Start("""
            pub = ctx.socket(zmq.PUB)
            pub.connect(sys.argv[1])
            while True:  # until the cache's subscription arrives; the test ends it
                pub.send_multipart([b"007", b"Save Roger"])
                time.sleep(0.01)
            """, endpoints[0]);
        cache.WaitForStdout("Caching new topic 007");

        const string lateSubscriber = """
            sub = ctx.socket(zmq.SUB)
            sub.connect(sys.argv[1])
            sub.setsockopt(zmq.SUBSCRIBE, b"007")
            print(b" ".join(sub.recv_multipart()).decode())
            """;
        foreach (var _ in new[] { 1, 2 })
        {
            using var subscriber = PyzmqPeer.Start(lateSubscriber, endpoints[2]);
            Assert.Equal(["007 Save Roger"], subscriber.WaitForSuccess());
        }
        publisher.Dispose();
        Assert.Equal(2, cache.InterruptSucceeds().Stdout.Count(l => l == "Sending cached topic 007"));
    }
}
