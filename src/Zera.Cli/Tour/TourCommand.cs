using System.CommandLine;
using System.Globalization;

namespace Zera.Cli.Tour;

/// <summary><c>zera tour</c>: the first thing to run. Request-reply and pipeline over tcp, ipc and inproc, in one
/// process, shown as a table of what was exchanged and how fast.</summary>
public static class TourCommand
{
    private const int TimeoutMs = 10_000;

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var messages = Positive("--messages", "Pipeline and publish-subscribe messages to time per transport.", 200_000);
        var roundTrips = Positive("--roundtrips", "Request-reply round trips to time per transport.", 5_000);
        var size = Positive("--size", "Size in bytes of the timed messages.", 64);
        var command = new Command("tour",
            "A guided demo: request-reply (REQ/REP), pipeline (PUSH/PULL) and publish-subscribe (XPUB and two SUBs " +
            "with different prefixes) over tcp, ipc and inproc, all in this " +
            "process, printing a few sample messages and the throughput of each. Takes a few seconds.")
        {
            messages, roundTrips, size,
        };
        command.SetAction(result => Run(result.InvocationConfiguration.Output,
            result.GetValue(messages), result.GetValue(roundTrips), result.GetValue(size)));
        return command;
    }

    private static int Run(TextWriter stdout, int messages, int roundTrips, int size)
    {
        stdout.WriteLine($"Zera tour: ZeroMQ messaging patterns over each transport, all in this one process.");
        stdout.WriteLine($"Zera {Bench.ResultLine.ZeraVersion} on .NET {Environment.Version}, {Environment.ProcessorCount} cores.");
        stdout.WriteLine();
        stdout.WriteLine("  request-reply  REQ sends a request and waits; REP answers it (here: upper-cased). Lock-step.");
        stdout.WriteLine("  pipeline       PUSH streams messages one way to PULL (several PULLs would share them out).");
        stdout.WriteLine();
        stdout.WriteLine("  tcp            through the network stack (here on loopback)");
        stdout.WriteLine("  ipc            through a Unix domain socket, named by a file path");
        stdout.WriteLine("  inproc         between threads of one process: no kernel, no encoding");
        stdout.WriteLine();
        stdout.Flush();

        var table = new TextTable("PATTERN", "TRANSPORT", "ENDPOINT", "EXCHANGED (SAMPLES)", "MEASURED", "RATE");
        string ipcDir = Path.Combine(Path.GetTempPath(), $"zera-tour-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}");
        Directory.CreateDirectory(ipcDir);
        try
        {
            using var context = new Context();
            foreach (string transport in (string[])["tcp", "ipc", "inproc"])
            {
                string BindEndpoint(string name) => transport switch
                {
                    "tcp" => "tcp://127.0.0.1:*",
                    "ipc" => "ipc://" + Path.Combine(ipcDir, name + ".ipc"),
                    _ => "inproc://tour-" + name,
                };
                Add(table, TourExchanges.RequestReply(context, transport, BindEndpoint("reqrep"), roundTrips, size, TimeoutMs));
                Add(table, TourExchanges.Pipeline(context, transport, BindEndpoint("pipeline"), messages, size, TimeoutMs));
                Add(table, TourExchanges.PubSub(context, transport, BindEndpoint("pubsub"), messages, size, TimeoutMs));
            }
        }
        finally
        {
            try
            {
                Directory.Delete(ipcDir, recursive: true);
            }
            catch (IOException)
            {
                // Left in the temporary folder; harmless.
            }
        }

        stdout.Write(table.ToString());
        stdout.WriteLine();
        stdout.WriteLine("Try it across processes, in two shells:");
        stdout.WriteLine("  zera recv tcp://127.0.0.1:5555 --bind --type pull");
        stdout.WriteLine("  zera send tcp://127.0.0.1:5555 hello 0x00ff --type push      # two frames: text and binary");
        stdout.WriteLine("and a reply server:");
        stdout.WriteLine("  zera echo tcp://127.0.0.1:5556 --bind --type rep");
        stdout.WriteLine("  zera send tcp://127.0.0.1:5556 ping --type req");
        stdout.WriteLine("More: 'zera --help', 'zera send --help', 'zera bench --help'.");
        return ExitCodes.Ok;
    }

    private static void Add(TextTable table, TourRow row) =>
        table.Add(row.Pattern, row.Transport, row.Endpoint, string.Join('\n', row.Samples), row.Measured, row.Rate);

    private static Option<int> Positive(string name, string description, int defaultValue) =>
        Commands.Numbers.Option(name, null, description, "N", defaultValue, 1);
}
