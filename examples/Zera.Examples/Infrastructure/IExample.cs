namespace Zera.Examples.Infrastructure;

/// <summary>
/// One runnable example: the name it is run by (the Guide's file name without <c>.c</c>), what it shows, its
/// options, and its body. The program gives every example the same Ctrl-C token.
/// </summary>
public interface IExample
{
    /// <summary>The name on the command line, e.g. <c>hwserver</c>.</summary>
    static abstract string Name { get; }

    /// <summary>One line: what the example shows.</summary>
    static abstract string Summary { get; }

    /// <summary>The options and arguments after the name, one per line, as <c>--help</c> prints them.</summary>
    static abstract string Usage { get; }

    /// <summary>Runs the example; returns the process exit code. <paramref name="interrupted"/> is cancelled by
    /// Ctrl-C: an example that would wait forever waits on it, closes its sockets and returns.</summary>
    static abstract Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted);
}
