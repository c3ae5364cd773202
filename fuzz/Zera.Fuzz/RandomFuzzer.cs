using System.Diagnostics;
using System.Security.Cryptography;

namespace Zera.Fuzz;

/// <summary>
/// The fallback when afl-fuzz is not available: blind mutation in process (no coverage feedback). Starts from the
/// target's seeds and the corpus directory's files, mutates them (and, half the time, the previous mutant again, to
/// walk further), runs each input, and saves every crash with a new signature (exception type and the frame that
/// threw) to the crashes directory with its stack trace. A watchdog ends the process when one input runs for more
/// than 10 s, saving it as a hang.
/// </summary>
internal static class RandomFuzzer
{
    private static readonly TimeSpan s_hangAfter = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="target"/> with the options in <paramref name="args"/>; returns the exit code
    /// (1 when it found a crash).</summary>
    public static int Run(FuzzTarget target, string[] args)
    {
        double minutes = 1;
        long iterations = long.MaxValue;
        int seed = 1;
        string corpus = Path.Combine("fuzz", "corpus", target.Name);
        string crashes = Path.Combine("fuzz", "crashes");
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--minutes": minutes = double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--seconds": minutes = double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) / 60; break;
                case "--iterations": iterations = long.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); minutes = double.MaxValue; break;
                case "--seed": seed = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--corpus": corpus = args[i + 1]; break;
                case "--crashes": crashes = args[i + 1]; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        var seeds = target.Seeds().ToList();
        if (Directory.Exists(corpus)) seeds.AddRange(Directory.GetFiles(corpus).Order(StringComparer.Ordinal).Select(File.ReadAllBytes));
        var mutator = new Mutator(new Random(seed), seeds);
        var coin = new Random(seed + 1);
        var signatures = new HashSet<string>();
        var clock = Stopwatch.StartNew();
        var deadline = minutes == double.MaxValue ? TimeSpan.MaxValue : TimeSpan.FromMinutes(minutes);
        long execs = 0;
        int crashCount = 0;

        byte[] current = [];
        long started = 0;
        var watchdog = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(1000);
                long at = Volatile.Read(ref started);
                if (at != 0 && Stopwatch.GetElapsedTime(at) > s_hangAfter)
                {
                    var path = Save(crashes, target.Name, "hang", Volatile.Read(ref current), $"ran for more than {s_hangAfter.TotalSeconds} s");
                    Console.WriteLine($"HANG: input saved to {path}");
                    Environment.Exit(3);
                }
            }
        }) { IsBackground = true };
        watchdog.Start();

        byte[] previous = seeds.Count > 0 ? seeds[0] : [];
        var lastReport = TimeSpan.Zero;
        // Seeds first, as they are; then mutants.
        var queue = new Queue<byte[]>(seeds);
        while (execs < iterations && clock.Elapsed < deadline)
        {
            var input = queue.Count > 0 ? queue.Dequeue() : coin.Next(2) == 0 ? mutator.Mutate(previous) : mutator.Next();
            previous = input;
            Volatile.Write(ref current, input);
            Volatile.Write(ref started, Stopwatch.GetTimestamp());
            try
            {
                target.Run(input);
            }
            catch (Exception e)
            {
                crashCount++;
                string signature = e.GetType().FullName + " at " + (new StackTrace(e).GetFrame(0)?.GetMethod()?.ToString() ?? "?");
                if (signatures.Add(signature))
                {
                    var path = Save(crashes, target.Name, "crash", input, e.ToString());
                    Console.WriteLine($"CRASH {signature}: input saved to {path}");
                }
                previous = seeds.Count > 0 ? seeds[0] : [];
            }
            Volatile.Write(ref started, 0L);
            execs++;
            if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(30))
            {
                lastReport = clock.Elapsed;
                Console.WriteLine($"{target.Name}: {execs} execs, {execs / clock.Elapsed.TotalSeconds:F0}/s, {crashCount} crashing inputs, {signatures.Count} unique");
            }
        }
        Console.WriteLine($"{target.Name}: done: {execs} execs in {clock.Elapsed.TotalSeconds:F0} s ({execs / clock.Elapsed.TotalSeconds:F0}/s), " +
            $"{crashCount} crashing inputs, {signatures.Count} unique");
        return signatures.Count == 0 ? 0 : 1;
    }

    private static string Save(string dir, string target, string kind, byte[] input, string why)
    {
        Directory.CreateDirectory(dir);
        string name = $"{target}-{kind}-{Convert.ToHexStringLower(SHA1.HashData(input))[..12]}";
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, input);
        File.WriteAllText(path + ".txt", why + Environment.NewLine);
        return path;
    }
}
