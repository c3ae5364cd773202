using System.Text.RegularExpressions;

namespace Zera.IntegrationTests.Examples;

/// <summary>wuproxy: wuserver's updates reach wuclient through the XSUB-XPUB forwarder, the subscription travelling
/// up through it.</summary>
public sealed class ForwarderExampleTests
{
    [Fact]
    public void Wuclient_gets_wuserver_updates_through_wuproxy()
    {
        string server = ExampleRun.Ipc(), proxied = ExampleRun.Ipc();
        using var weather = ExampleRun.Start("wuserver", "--bind", server);
        weather.WaitForStdout("publishing on ");
        using var proxy = ExampleRun.Start("wuproxy", "--frontend", server, "--backend", proxied);
        proxy.WaitForStdout("forwarding ");
        var client = ExampleRun.RunToSuccess("wuclient", "2", "--connect", proxied, "--count", "5");

        Assert.Contains(client.Stdout, l => Regex.IsMatch(l, "^Average temperature for zipcode '2' was -?[0-9]+F$"));
        proxy.InterruptSucceeds();
        weather.InterruptSucceeds();
    }
}
