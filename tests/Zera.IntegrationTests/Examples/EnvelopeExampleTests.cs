namespace Zera.IntegrationTests.Examples;

/// <summary>psenvpub and psenvsub: pub-sub with the key in a frame of its own; a libzmq subscriber reads the same
/// envelopes.</summary>
public sealed class EnvelopeExampleTests
{
    [Fact]
    public void Subscribers_get_only_the_b_envelopes()
    {
        using var publisher = ExampleRun.Start("psenvpub", "--bind", "tcp://127.0.0.1:*", "--interval", "10");
        string endpoint = publisher.WaitForStdout("publishing on ");
        using var libzmqSubscriber = PyzmqPeer.Start("""
            sub = ctx.socket(zmq.SUB)
            sub.connect(sys.argv[1])
            sub.setsockopt(zmq.SUBSCRIBE, b"B")
            for i in range(3):
                key, content = sub.recv_multipart()
                print(f"[{key.decode()}] {content.decode()}")
            """, endpoint);
        var subscriber = ExampleRun.RunToSuccess("psenvsub", "--connect", endpoint, "--count", "3");

        string[] expected = ["[B] We would like to see this", "[B] We would like to see this", "[B] We would like to see this"];
        Assert.Equal(expected, subscriber.Stdout);
        Assert.Equal(expected, libzmqSubscriber.WaitForSuccess());
        publisher.InterruptSucceeds();
    }
}
