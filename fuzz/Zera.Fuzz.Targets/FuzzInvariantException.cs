namespace Zera.Fuzz;

/// <summary>A fuzz target's own check failed (no progress, a property that must hold): always a crash.</summary>
public sealed class FuzzInvariantException : Exception
{
    /// <summary>An invariant violation described by <paramref name="message"/>.</summary>
    public FuzzInvariantException(string message) : base(message)
    {
    }
}
