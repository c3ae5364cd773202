namespace Zera.Soak;

/// <summary>The command line: how long each scenario runs and which ones.</summary>
internal sealed class SoakOptions
{
    /// <summary>Seconds each scenario runs in short mode: the nine scenarios (mixed last) and their settling stay
    /// under 3 minutes on 2 cores.</summary>
    public const int ShortSeconds = 14;

    /// <summary>How long each scenario runs.</summary>
    public TimeSpan Duration { get; private set; } = TimeSpan.FromMinutes(1);

    /// <summary>Short mode: bounded durations and fewer cycles, for CI.</summary>
    public bool Short { get; private set; }

    /// <summary><c>--help</c>: print the usage and the scenarios, run nothing.</summary>
    public bool Help { get; private set; }

    /// <summary>The scenarios asked for (empty: all).</summary>
    public List<string> Scenarios { get; } = [];

    /// <summary>Parses <paramref name="args"/>; null and a message on a bad command line.</summary>
    public static SoakOptions? Parse(string[] args, out string? error)
    {
        var o = new SoakOptions();
        bool minutesGiven = false;
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--minutes" when i + 1 < args.Length && double.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out double m) && m > 0:
                    o.Duration = TimeSpan.FromMinutes(m);
                    minutesGiven = true;
                    i++;
                    break;
                case "--scenario" when i + 1 < args.Length:
                    o.Scenarios.Add(args[++i]);
                    break;
                case "--short":
                    o.Short = true;
                    break;
                case "--help" or "-h":
                    o.Help = true;
                    break;
                default:
                    error = $"unknown or incomplete option '{args[i]}'";
                    return null;
            }
        }
        if (o.Short && !minutesGiven) o.Duration = TimeSpan.FromSeconds(ShortSeconds);
        return o;
    }

    /// <summary>The usage text.</summary>
    public const string Usage = """
        usage: Zera.Soak [--minutes N] [--scenario NAME ...] [--short] [--help]
          --minutes N      run each scenario for N minutes (default 1; decimals allowed)
          --scenario NAME  run only this scenario (repeatable); names are listed below
          --short          CI mode: every scenario for a bounded short time (14 s) with fewer cycles
          --help           print this and the scenarios, run nothing
        Scenarios run one after another in the order listed; mixed runs all the others at once, for the long mode.
        exit code: 0 every check passed, 1 a check failed, 2 bad command line
        """;
}
