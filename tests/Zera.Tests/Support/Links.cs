using Zera.Core;

namespace Zera.Tests.Support;

/// <summary>Links for routing-strategy tests; the test plays the peer on the other end of each pipe.</summary>
internal static class Links
{
    public static Link New(int outHwm = 0, int inHwm = 0) => new(new Pipe(inHwm), new Pipe(outHwm));

    /// <summary>Every whole message queued on a pipe, read out.</summary>
    public static List<int[]> Drain(Pipe pipe)
    {
        var messages = new List<int[]>();
        while (pipe.HasData) messages.Add(Frames.ReadMessage(pipe));
        return messages;
    }
}
