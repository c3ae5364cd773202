using Zera.Protocol;
using Zera.Tests.Support;

namespace Zera.Tests.Protocol;

/// <summary>A frame above a megabyte gets its buffer as its bytes arrive: an announced size costs nothing until the
/// peer really sends that much (a hostile peer cannot make Zera allocate 2 GiB with a 9-byte header).</summary>
public class HugeFrameTests
{
    [Fact]
    public void AnnouncingAHugeFrameAllocatesOnlyWhatArrives()
    {
        var decoder = new FrameDecoder(-1);
        var header = new byte[9];
        FrameHeader.Write(header, int.MaxValue, more: false);
        Assert.False(decoder.TryDecode(header, out int consumed, out _));
        Assert.Equal(9, consumed);
        Assert.False(decoder.TryDecode(new byte[10], out _, out _));
        Assert.True(decoder.InPayload);
        // The room offered for the rest is bounded by what was allocated so far, not by the announced size.
        Assert.InRange(decoder.PayloadRemaining.Length, 1, FrameDecoder.GrowThreshold);
        decoder.Reset();
    }

    [Fact]
    public void AFrameOfSeveralMegabytesArrivesWholeWhateverTheSplits()
    {
        int size = 3 * FrameDecoder.GrowThreshold + 12345;
        var body = Wire.Body(size, seed: 7);
        var header = new byte[9];
        int h = FrameHeader.Write(header, size, more: false);
        var stream = header.AsSpan(0, h).ToArray().Concat(body).ToArray();
        var decoder = new FrameDecoder(-1);
        var random = new Random(11);
        Frame? result = null;
        int at = 0;
        while (at < stream.Length)
        {
            // Alternate between decoded chunks and direct receives into the frame's own buffer, as the engine does.
            var room = decoder.PayloadRemaining;
            if (room.Length > 0 && random.Next(2) == 0)
            {
                int n = Math.Min(room.Length, Math.Min(stream.Length - at, random.Next(1, 300_000)));
                stream.AsSpan(at, n).CopyTo(room.Span);
                at += n;
                if (decoder.AdvancePayload(n, out var f)) result = f;
                continue;
            }
            int chunk = Math.Min(stream.Length - at, random.Next(1, 200_000));
            if (decoder.TryDecode(stream.AsSpan(at, chunk), out int consumed, out var g)) result = g;
            at += consumed;
        }
        Assert.NotNull(result);
        var frame = result.Value;
        Assert.Equal(size, frame.Length);
        Assert.True(frame.Span.SequenceEqual(body));
        frame.Dispose();
    }
}
