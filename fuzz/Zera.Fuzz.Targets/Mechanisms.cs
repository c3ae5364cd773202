using Zera.Protocol;
using Zera.Protocol.Mechanisms;

namespace Zera.Fuzz;

/// <summary>What the mechanism targets share: draining due commands, the metadata they announce, sample inputs.</summary>
internal static class Mechanisms
{
    /// <summary>Metadata as a DEALER announces it.</summary>
    public static readonly (string Name, byte[] Value)[] DealerProperties = [("Socket-Type", "DEALER"u8.ToArray()), ("Identity", "fuzz"u8.ToArray())];

    /// <summary>Metadata as a ROUTER announces it.</summary>
    public static readonly (string Name, byte[] Value)[] RouterProperties = [("Socket-Type", "ROUTER"u8.ToArray())];

    /// <summary>Takes every command due (a mechanism queues a handful at most); returns the last one, or null.</summary>
    public static byte[]? Drain(IMechanism mechanism)
    {
        byte[]? last = null;
        for (int i = 0; mechanism.TryTakeCommand(out var body); i++)
        {
            if (i > 16) throw new FuzzInvariantException("a mechanism keeps producing commands");
            last = body;
        }
        return last;
    }

    /// <summary>The ZAP reply the config octet's bits 1-2 choose: accept, or refuse with 300, 400 or 500.</summary>
    public static ZapReply Reply(int bits) => (bits & 3) switch
    {
        0 => ZapReply.Accept,
        1 => new ZapReply("300", "Try later", "", new Dictionary<string, byte[]>()),
        2 => new ZapReply("400", "No access", "", new Dictionary<string, byte[]>()),
        _ => new ZapReply("500", "Internal error", "", new Dictionary<string, byte[]>()),
    };

    /// <summary>A READY body's metadata (no name) for <paramref name="properties"/>.</summary>
    public static byte[] Metadata(params ReadOnlySpan<(string Name, byte[] Value)> properties) => Command.BuildMetadata(properties);
}
