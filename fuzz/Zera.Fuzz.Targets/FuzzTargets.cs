using Zera.Fuzz.Targets;

namespace Zera.Fuzz;

/// <summary>Every fuzz target, by name.</summary>
public static class FuzzTargets
{
    /// <summary>All targets, in the order the tools list them.</summary>
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new ZmtpTarget(),
        new NullTarget(),
        new PlainServerTarget(),
        new PlainClientTarget(),
        new CurveServerTarget(),
        new CurveClientTarget(),
        new CurveMessageTarget(),
        new ZapReplyTarget(),
        new ZmtpPartsTarget(),
        new Z85Target(),
        new EndpointTarget(),
        new SubscriptionTrieTarget(),
        new SocketActionsTarget(),
    ];

    /// <summary>The target called <paramref name="name"/>, or null.</summary>
    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
