using System.CommandLine;
using System.CommandLine.Help;
using Zera.Cli.Bench;
using Zera.Cli.Commands;
using Zera.Cli.Tour;

namespace Zera.Cli;

/// <summary>Assembles the <c>zera</c> command tree.</summary>
public static class CliApp
{
    /// <summary>The command's name in usage lines and messages.</summary>
    public const string Name = "zera";

    /// <summary>The root command with every subcommand. A plain <see cref="Command"/> named "zera" rather than a
    /// <see cref="RootCommand"/>, whose name would come from the assembly (Zera.Cli).</summary>
    public static Command CreateRootCommand()
    {
        var root = new Command(Name,
            "zera: ZeroMQ from the shell, on Zera (pure C#, ZMTP 3.1, interoperable with libzmq).\n" +
            "Start with 'zera tour'. Endpoints: tcp://HOST:PORT, ipc:///PATH, inproc://NAME.\n" +
            "Exit codes: 0 ok, 1 bad command line, 2 timed out, 3 run-time error, 130 interrupted.")
        {
            TourCommand.Create(),
            SendCommand.Create(),
            RecvCommand.Create(),
            EchoCommand.Create(),
            MonitorCommand.Create(),
            ProxyCommand.Create(),
            BenchCommand.Create(),
            KeygenCommand.Create(),
            new HelpOption { Recursive = true },
            new VersionOption { Action = new VersionAction() },
        };
        return root;
    }
}
