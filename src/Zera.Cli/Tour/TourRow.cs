namespace Zera.Cli.Tour;

/// <summary>One exchange of the tour: what ran where, what was exchanged, and how fast.</summary>
public sealed record TourRow(string Pattern, string Transport, string Endpoint, IReadOnlyList<string> Samples,
    string Measured, string Rate);
