using SharpFuzz;

namespace Zera.Fuzz;

/// <summary>The command line of the fuzzing app.</summary>
internal static class Cli
{
    private const string Usage = """
        usage: Zera.Fuzz TARGET                      (under afl-fuzz)
               Zera.Fuzz --list
               Zera.Fuzz --write-corpus DIR
               Zera.Fuzz --random TARGET [--minutes N | --seconds N | --iterations N] [--seed N] [--corpus DIR] [--crashes DIR]
               Zera.Fuzz --repro TARGET FILE...
        """;

    /// <summary>Runs the command in <paramref name="args"/>; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        if (args.Length == 0) return Fail(Usage);
        switch (args[0])
        {
            case "--list":
                foreach (var t in FuzzTargets.All) Console.WriteLine($"{t.Name,-14} {t.Description}");
                return 0;
            case "--write-corpus":
                return args.Length == 2 ? WriteCorpus(args[1]) : Fail(Usage);
            case "--random":
                return args.Length >= 2 && Target(args[1]) is { } rt ? RandomFuzzer.Run(rt, args[2..]) : Fail(Usage);
            case "--repro":
                return args.Length >= 3 && Target(args[1]) is { } pt ? Repro(pt, args[2..]) : Fail(Usage);
            default:
                if (args.Length != 1 || Target(args[0]) is not { } target) return Fail(Usage);
                Fuzzer.Run(stream =>
                {
                    using var buffer = new MemoryStream();
                    stream.CopyTo(buffer);
                    target.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
                });
                return 0;
        }
    }

    private static FuzzTarget? Target(string name)
    {
        var target = FuzzTargets.Find(name);
        if (target is null) Console.Error.WriteLine($"no target {name}: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}");
        return target;
    }

    private static int WriteCorpus(string dir)
    {
        foreach (var target in FuzzTargets.All)
        {
            var targetDir = Path.Combine(dir, target.Name);
            Directory.CreateDirectory(targetDir);
            int i = 0;
            foreach (var seed in target.Seeds())
            {
                target.Run(seed); // a seed that crashes is no seed
                File.WriteAllBytes(Path.Combine(targetDir, $"seed-{i++:D2}"), seed);
            }
            Console.WriteLine($"{target.Name}: {i} seeds in {targetDir}");
        }
        return 0;
    }

    private static int Repro(FuzzTarget target, string[] files)
    {
        int crashes = 0;
        foreach (var file in files)
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
                Console.WriteLine($"{file}: ok");
            }
            catch (Exception e)
            {
                crashes++;
                Console.WriteLine($"{file}: CRASH {e}");
            }
        }
        return crashes == 0 ? 0 : 1;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
