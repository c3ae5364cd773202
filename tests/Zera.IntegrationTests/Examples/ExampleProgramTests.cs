namespace Zera.IntegrationTests.Examples;

/// <summary>The examples program itself: the list, per-example help, and a bad option.</summary>
public sealed class ExampleProgramTests
{
    private static readonly string[] s_guideNames =
    [
        "hwserver", "hwclient", "version", "wuserver", "wuclient", "taskvent", "taskwork", "tasksink",
        "msreader", "mspoller", "rrclient", "rrworker", "rrbroker", "msgqueue", "wuproxy", "taskwork2", "tasksink2",
        "interrupt", "mtserver", "mtrelay", "syncpub", "syncsub", "psenvpub", "psenvsub", "identity", "espresso", "lvcache",
    ];

    [Fact]
    public void No_arguments_lists_every_example()
    {
        var result = ExampleRun.RunToSuccess();
        var names = result.Stdout.Skip(1).Select(l => l.Trim().Split(' ')[0]).ToList();
        Assert.All(s_guideNames, name => Assert.Contains(name, names));
    }

    [Fact]
    public void Help_prints_the_options()
    {
        var result = ExampleRun.RunToSuccess("rrbroker", "--help");
        Assert.Contains(result.Stdout, l => l.Contains("--frontend ENDPOINT", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_option_is_a_usage_error()
    {
        using var example = ExampleRun.Start("hwclient", "--conect", "tcp://localhost:5555");
        var result = example.WaitForExit();
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("hwclient: unknown option --conect", result.Stderr[0]);
    }
}
