using System.Globalization;

namespace Zera.Cli.Bench;

/// <summary>One benchmark run as given on the command line (the anchor harness's arguments).</summary>
public sealed record BenchSettings
{
    /// <summary>"thr", "lat", "fan" or "hs".</summary>
    public required string Test { get; init; }

    /// <summary>"threads" or "procs": where the peer runs when this process measures.</summary>
    public required string Mode { get; init; }

    /// <summary>Null to measure with a peer of our own; otherwise the single side to play
    /// ("send"/"recv" for thr, "rep"/"req" for lat).</summary>
    public string? Role { get; init; }

    /// <summary>-c: the copying API instead of frames (thr).</summary>
    public bool Copy { get; init; }

    /// <summary>-a: SendAsync and ReceiveAsync instead of the blocking calls (thr, lat).</summary>
    public bool Async { get; init; }

    /// <summary>thr: PUB/SUB (an XPUB sender that waits for the subscription, unlimited marks) instead of PUSH/PULL.</summary>
    public bool PubSub { get; init; }

    /// <summary>thr, hs: CURVE between the two sides (the measuring side the server), or null for NULL.</summary>
    public BenchCurve? Curve { get; init; }

    /// <summary>fan: how many subscribers.</summary>
    public int Subscribers { get; init; } = 1;

    /// <summary>-W: as a peer, keep the socket open until stdin reaches EOF.</summary>
    public bool Hold { get; init; }

    /// <summary>Untimed round trips before the timed ones (lat).</summary>
    public long Warmup { get; init; }

    /// <summary>The endpoint the measuring side binds and the peer connects to.</summary>
    public required string Endpoint { get; init; }

    /// <summary>Message size in bytes.</summary>
    public int Size { get; init; }

    /// <summary>Messages (thr) or timed round trips (lat).</summary>
    public long Count { get; init; }

    /// <summary>tcp, ipc or inproc.</summary>
    public required string Transport { get; init; }

    /// <summary>The bound on every blocking call (ANCHOR_TIMEOUT_MS, default 20 s).</summary>
    public int TimeoutMs { get; init; } = DefaultTimeoutMs();

    /// <summary>True when this process measures (no role, or the measuring role).</summary>
    public bool Solo => Role != null;

    /// <summary>The mode as the RESULT line reports it.</summary>
    public string ModeLabel => Solo ? "solo" : Mode;

    /// <summary>Invariant-culture text of a number, for arguments and output.</summary>
    public static string Inv(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>ANCHOR_TIMEOUT_MS from the environment, or 20000.</summary>
    public static int DefaultTimeoutMs()
    {
        var text = Environment.GetEnvironmentVariable("ANCHOR_TIMEOUT_MS");
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int ms) && ms > 0 ? ms : 20000;
    }
}
