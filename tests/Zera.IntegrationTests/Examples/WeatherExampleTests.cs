using System.Text.RegularExpressions;

namespace Zera.IntegrationTests.Examples;

/// <summary>wuserver and wuclient: the Guide's pub-sub weather service, with a libzmq publisher and with each other.</summary>
public sealed class WeatherExampleTests
{
    /// <summary>A libzmq weather server publishing 70F for zip 10001 among other zip codes: wuclient's default
    /// subscription ("10001 ") takes only those, so the average is exact.</summary>
    [Fact]
    public void Wuclient_averages_a_libzmq_weather_server()
    {
        using var server = PyzmqPeer.Start("""
            pub = ctx.socket(zmq.PUB)
            pub.bind("tcp://127.0.0.1:*")
            print("BOUND", pub.getsockopt(zmq.LAST_ENDPOINT).decode())
            while True:  # until the test ends it (a subscriber joins at some point: the Guide's slow joiner)
                pub.send(b"10001 70 40")
                pub.send(b"10002 -20 15")
                pub.send(b"100010 99 99")
                time.sleep(0.001)
            """);
        string endpoint = server.WaitForLine("BOUND ");
        var client = ExampleRun.RunToSuccess("wuclient", "--connect", endpoint, "--count", "5");

        Assert.Contains("Average temperature for zipcode '10001 ' was 70F", client.Stdout);
    }

    /// <summary>wuclient subscribed to zip codes starting with 1, from wuserver over ipc; wuserver then stops on
    /// Ctrl-C.</summary>
    [Fact]
    public void Wuclient_averages_wuserver_updates()
    {
        string endpoint = ExampleRun.Ipc();
        using var server = ExampleRun.Start("wuserver", "--bind", endpoint);
        server.WaitForStdout("publishing on ");
        var client = ExampleRun.RunToSuccess("wuclient", "1", "--connect", endpoint, "--count", "5");

        Assert.Contains(client.Stdout, l => Regex.IsMatch(l, "^Average temperature for zipcode '1' was -?[0-9]+F$"));
        server.InterruptSucceeds();
    }
}
