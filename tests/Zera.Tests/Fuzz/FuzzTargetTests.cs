using Zera.Fuzz;

namespace Zera.Tests.Fuzz;

/// <summary>
/// Every fuzz target (fuzz/Zera.Fuzz.Targets) over its seeds, its committed corpus (fuzz/corpus/TARGET: the seeds and
/// any regression inputs a fuzzing run found) and a few thousand blind mutations from a fixed seed, in process: a
/// regression in a parser that fuzzing once cleared fails here, without AFL.
/// </summary>
public class FuzzTargetTests
{
    private const int Mutations = 2_000;

    // socket-actions runs real sockets (tens of milliseconds an input): its seeds and a few mutations here, and 200
    // sequences in tests/Zera.IntegrationTests/Reliability/SocketActionFuzzTests.
    private const int SlowMutations = 10;

    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void SeedsCorpusAndMutationsDoNotCrash(string name)
    {
        var target = FuzzTargets.Find(name)!;
        var inputs = target.Seeds().ToList();
        var corpus = CorpusDirectory(name);
        if (corpus != null) inputs.AddRange(Directory.GetFiles(corpus).Order(StringComparer.Ordinal).Select(File.ReadAllBytes));
        foreach (var input in inputs) Run(target, input);

        var mutator = new Mutator(new Random(20261205), inputs);
        var previous = inputs[0];
        var coin = new Random(7);
        int mutations = name == "socket-actions" ? SlowMutations : Mutations;
        for (int i = 0; i < mutations; i++)
        {
            // Half the time the previous mutant again, to walk further from the seeds.
            var input = coin.Next(2) == 0 ? mutator.Mutate(previous) : mutator.Next();
            Run(target, input);
            previous = input;
        }
    }

    [Fact]
    public void TheCommittedCorpusHasEveryTarget()
    {
        foreach (var target in FuzzTargets.All)
        {
            var dir = CorpusDirectory(target.Name);
            Assert.True(dir != null && Directory.GetFiles(dir).Length > 0, $"no committed corpus for {target.Name}");
        }
    }

    private static void Run(FuzzTarget target, byte[] input)
    {
        try
        {
            target.Run(input);
        }
        catch (Exception e)
        {
            Assert.Fail($"{target.Name} crashed on {Convert.ToHexString(input)}: {e}");
        }
    }

    /// <summary>fuzz/corpus/NAME in the repository the test runs from.</summary>
    private static string? CorpusDirectory(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "fuzz", "corpus", name);
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}
