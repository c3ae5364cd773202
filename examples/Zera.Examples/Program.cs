// The ZeroMQ Guide's examples (chapters 1 and 2, and two pub-sub ones of chapter 5) written with Zera.
// Run one with: dotnet run --project examples/Zera.Examples -- NAME [OPTIONS]; no NAME lists them.
using Zera.Examples.Chapter1;
using Zera.Examples.Chapter2;
using Zera.Examples.Chapter5;
using Zera.Examples.Infrastructure;
using Zera.Examples.More;

namespace Zera.Examples;

/// <summary>The examples program: finds the example named on the command line and runs it under a Ctrl-C token.</summary>
public static class Program
{
    private static readonly ExampleEntry[] s_examples =
    [
        // Chapter 1, Basics
        ExampleEntry.Of<HwServer>(),
        ExampleEntry.Of<HwClient>(),
        ExampleEntry.Of<VersionReport>(),
        ExampleEntry.Of<WuServer>(),
        ExampleEntry.Of<WuClient>(),
        ExampleEntry.Of<TaskVent>(),
        ExampleEntry.Of<TaskWork>(),
        ExampleEntry.Of<TaskSink>(),
        // Chapter 2, Sockets and Patterns
        ExampleEntry.Of<MsReader>(),
        ExampleEntry.Of<MsPoller>(),
        ExampleEntry.Of<RrClient>(),
        ExampleEntry.Of<RrWorker>(),
        ExampleEntry.Of<RrBroker>(),
        ExampleEntry.Of<MsgQueue>(),
        ExampleEntry.Of<WuProxy>(),
        ExampleEntry.Of<TaskWork2>(),
        ExampleEntry.Of<TaskSink2>(),
        ExampleEntry.Of<Interrupt>(),
        ExampleEntry.Of<MtServer>(),
        ExampleEntry.Of<MtRelay>(),
        ExampleEntry.Of<SyncPub>(),
        ExampleEntry.Of<SyncSub>(),
        ExampleEntry.Of<PsEnvPub>(),
        ExampleEntry.Of<PsEnvSub>(),
        ExampleEntry.Of<Identity>(),
        // Chapter 5, Advanced Pub-Sub Patterns
        ExampleEntry.Of<Espresso>(),
        ExampleEntry.Of<LvCache>(),
        // Not in the Guide's list: the whole pipeline in one process, and multipart framing
        ExampleEntry.Of<Pipeline>(),
        ExampleEntry.Of<Multipart>(),
    ];

    /// <summary>Runs <c>NAME [OPTIONS]</c>; with no arguments (or <c>--help</c>) lists the examples.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h")
        {
            PrintList(Console.Out);
            return 0;
        }
        var example = Array.Find(s_examples, e => e.Name == args[0]);
        if (example == null)
        {
            Console.Error.WriteLine($"no example called '{args[0]}'");
            PrintList(Console.Error);
            return 1;
        }
        string[] rest = args[1..];
        if (rest.Any(a => a is "--help" or "-h"))
        {
            PrintUsage(Console.Out, example);
            return 0;
        }

        using var interrupted = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl-C asks the example to stop and close its sockets; a second one (say, while a context
            // still lingers to deliver to a peer that is gone) ends the process the usual way.
            if (interrupted.IsCancellationRequested) return;
            e.Cancel = true;
            interrupted.Cancel();
        };
        try
        {
            return await example.Run(new ExampleArgs(rest), interrupted.Token);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"{example.Name}: {e.Message}");
            PrintUsage(Console.Error, example);
            return 1;
        }
        catch (Exception e) when (e is ZeraException or ArgumentException)
        {
            // A port in use, a malformed endpoint: say so in one line, as the zera tool does.
            Console.Error.WriteLine($"{example.Name}: {e.Message}");
            return 3;
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            // The example's sockets and context are closed by now (its `using`s ran on the way out).
            Console.Error.WriteLine($"{example.Name}: interrupted");
            return 0;
        }
    }

    private static void PrintList(TextWriter output)
    {
        output.WriteLine("usage: Zera.Examples NAME [OPTIONS]   (NAME --help for its options)");
        foreach (var e in s_examples) output.WriteLine($"  {e.Name,-10} {e.Summary}");
    }

    private static void PrintUsage(TextWriter output, ExampleEntry example)
    {
        output.WriteLine($"{example.Name}: {example.Summary}");
        output.WriteLine($"usage: Zera.Examples {example.Name} [OPTIONS]");
        foreach (var line in example.Usage.Split('\n')) output.WriteLine("  " + line);
    }
}
