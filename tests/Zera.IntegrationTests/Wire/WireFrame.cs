using System.Text;

namespace Zera.IntegrationTests.Wire;

/// <summary>A frame as read off the wire by <see cref="RawZmtpClient"/>.</summary>
/// <param name="Flags">The flags byte exactly as sent.</param>
/// <param name="Header">The header bytes exactly as sent (2 or 9).</param>
/// <param name="Body">The body.</param>
internal sealed record WireFrame(byte Flags, byte[] Header, byte[] Body)
{
    public bool IsCommand => (Flags & Zmtp.Command) != 0;

    public bool More => (Flags & Zmtp.More) != 0;

    /// <summary>For a command, its name (the body starts with a length-prefixed name).</summary>
    public string CommandName => Encoding.ASCII.GetString(Body, 1, Body[0]);

    /// <summary>For a command, what follows the name.</summary>
    public byte[] CommandData => Body[(1 + Body[0])..];

    public override string ToString() =>
        $"{(IsCommand ? "command" : "data")} frame flags=0x{Flags:X2} [{Body.Length}] {Convert.ToHexString(Body.AsSpan(0, Math.Min(Body.Length, 32)))}";
}
