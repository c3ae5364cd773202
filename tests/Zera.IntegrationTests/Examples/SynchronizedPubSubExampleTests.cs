namespace Zera.IntegrationTests.Examples;

/// <summary>syncpub and syncsub: the publisher waits for its subscribers to check in, so each one gets the whole
/// broadcast; one of the two subscribers here is libzmq.</summary>
public sealed class SynchronizedPubSubExampleTests
{
    [Fact]
    public void Every_subscriber_gets_every_update()
    {
        string updates = ExampleRun.Ipc(), sync = ExampleRun.Ipc();
        using var publisher = ExampleRun.Start("syncpub", "--bind", updates, "--sync", sync, "--subscribers", "2", "--count", "2000");
        using var subscriber = ExampleRun.Start("syncsub", "--connect", updates, "--sync", sync);
        // The Guide's syncsub in Python, with the same handshake wait in place of its one-second sleep.
        using var libzmqSubscriber = PyzmqPeer.Start("""
            from zmq.utils.monitor import recv_monitor_message
            sub = ctx.socket(zmq.SUB)
            sub.setsockopt(zmq.SUBSCRIBE, b"")
            events = sub.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
            sub.connect(sys.argv[1])
            recv_monitor_message(events)
            req = ctx.socket(zmq.REQ)
            req.connect(sys.argv[2])
            req.send(b"")
            req.recv()
            n = 0
            while sub.recv() != b"END":
                n += 1
            print("Received", n, "updates")
            """, updates, sync);

        Assert.Equal(["Received 2000 updates"], libzmqSubscriber.WaitForSuccess());
        Assert.Contains("Received 2000 updates", subscriber.Succeeds().Stdout);
        Assert.Contains("Broadcasting messages", publisher.Succeeds().Stdout);
    }
}
