namespace Zera.IntegrationTests.Examples;

/// <summary>msreader and mspoller: one thread reading a PULL and a SUB, fed by a libzmq ventilator and weather
/// publisher.</summary>
public sealed class MultipleSocketsExampleTests
{
    [Theory]
    [InlineData("msreader")]
    [InlineData("mspoller")]
    public void Reads_tasks_and_weather_from_libzmq_peers(string example)
    {
        using var peer = PyzmqPeer.Start("""
            vent = ctx.socket(zmq.PUSH)
            vent.bind("tcp://127.0.0.1:*")
            pub = ctx.socket(zmq.PUB)
            pub.bind("tcp://127.0.0.1:*")
            print("BOUND", vent.getsockopt(zmq.LAST_ENDPOINT).decode(), pub.getsockopt(zmq.LAST_ENDPOINT).decode())
            for i in range(3):
                vent.send_string(f"job {i}")  # waits for the reader to connect
            while True:  # until the test ends it: the subscription arrives when it arrives
                pub.send(b"10001 70 40")
                pub.send(b"20002 10 10")
                time.sleep(0.002)
            """);
        string[] endpoints = peer.WaitForLine("BOUND ").Split(' ');
        var result = ExampleRun.RunToSuccess(example, "--tasks", endpoints[0], "--weather", endpoints[1], "--count", "3");

        Assert.Equal(["task: job 0", "task: job 1", "task: job 2"], result.Stdout.Where(l => l.StartsWith("task: ", StringComparison.Ordinal)));
        var weather = result.Stdout.Where(l => l.StartsWith("weather: ", StringComparison.Ordinal)).ToList();
        Assert.True(weather.Count >= 3, string.Join(" | ", result.Stdout));
        Assert.All(weather, l => Assert.Equal("weather: 10001 70 40", l));
    }
}
