namespace Zera.Fuzz;

/// <summary>
/// One fuzz target: a parser of Zera's protocol layer fed one input. <see cref="Run"/> returns normally for every
/// input the code under test handles as documented (a status, a refusal, or a documented
/// <see cref="Protocol.ProtocolException"/> where the API says it throws one); any other exception escaping it is a
/// crash.
/// </summary>
public abstract class FuzzTarget
{
    /// <summary>The name chosen on the command line (zmtp, null, plain-server...).</summary>
    public abstract string Name { get; }

    /// <summary>What the target feeds its input to, in a line.</summary>
    public abstract string Description { get; }

    /// <summary>Runs the code under test on <paramref name="input"/>; throws only when an invariant broke.</summary>
    public abstract void Run(ReadOnlySpan<byte> input);

    /// <summary>Small valid inputs that take the target through its main paths (the committed seed corpus).</summary>
    public abstract IEnumerable<byte[]> Seeds();
}
