namespace Zera.Examples.Infrastructure;

/// <summary>An example as the registry holds it: <see cref="IExample"/>'s static members, captured once.</summary>
public sealed record ExampleEntry(string Name, string Summary, string Usage, Func<ExampleArgs, CancellationToken, Task<int>> Run)
{
    /// <summary>The entry for example type <typeparamref name="T"/>.</summary>
    public static ExampleEntry Of<T>() where T : IExample => new(T.Name, T.Summary, T.Usage, T.RunAsync);
}
