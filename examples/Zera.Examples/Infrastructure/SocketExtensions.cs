using System.Text;

namespace Zera.Examples.Infrastructure;

/// <summary>Small conveniences the examples share, in the spirit of the Guide's zhelpers.h.</summary>
public static class SocketExtensions
{
    /// <summary>Receives one frame as UTF-8 text, waiting until it comes or <paramref name="cancellationToken"/> is
    /// cancelled (Ctrl-C).</summary>
    public static async ValueTask<string> ReceiveStringAsync(this ZeraSocket socket, CancellationToken cancellationToken)
    {
        using var frame = await socket.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        return frame.GetString();
    }

    /// <summary>The Guide's s_dump: prints every frame of the next message, <c>[size] text</c>, or the bytes in hex
    /// when they are not printable text, under a line of dashes.</summary>
    public static async ValueTask DumpAsync(this ZeraSocket socket, TextWriter output, CancellationToken cancellationToken)
    {
        var frames = await socket.ReceiveMultipartAsync(cancellationToken).ConfigureAwait(false);
        output.WriteLine("----------------------------------------");
        foreach (var frame in frames) output.WriteLine(Describe(frame));
    }

    /// <summary>One frame as s_dump and zframe_print show it: <c>[005] PEER2</c>, <c>[005] 0080000001</c>.</summary>
    public static string Describe(ReadOnlySpan<byte> frame)
    {
        bool text = true;
        foreach (byte b in frame) text &= b is >= 32 and < 127;
        return $"[{frame.Length:D3}] " + (text ? Encoding.ASCII.GetString(frame) : Convert.ToHexString(frame));
    }
}
