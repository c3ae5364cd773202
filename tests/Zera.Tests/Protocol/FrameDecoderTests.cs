using Zera.Protocol;
using Zera.Tests.Support;

namespace Zera.Tests.Protocol;

/// <summary>The sans-I/O frame decoder: whole frames out of any split of the byte stream.</summary>
public class FrameDecoderTests
{
    private static List<Frame> DecodeAll(FrameDecoder decoder, ReadOnlySpan<byte> input)
    {
        var frames = new List<Frame>();
        while (input.Length > 0)
        {
            bool done = decoder.TryDecode(input, out int consumed, out var frame);
            Assert.InRange(consumed, 0, input.Length);
            input = input[consumed..];
            if (done) frames.Add(frame);
            else Assert.Equal(0, input.Length); // "need more" must mean every byte was taken
        }
        return frames;
    }

    private static void AssertFrames(IReadOnlyList<WireFrame> expected, List<Frame> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var f = actual[i];
            Wire.AssertFrame(expected[i], ref f, i);
        }
    }

    [Fact]
    public void DecodesAShortFrame()
    {
        var decoder = new FrameDecoder(-1);
        byte[] input = [0x00, 0x03, (byte)'a', (byte)'b', (byte)'c', 0x99];
        Assert.True(decoder.TryDecode(input, out int consumed, out var frame));
        Assert.Equal(5, consumed);
        Wire.AssertFrame(new WireFrame("abc"u8.ToArray()), ref frame);
        Assert.False(decoder.InPayload);
    }

    [Fact]
    public void DecodesMoreAndCommandFlags()
    {
        var expected = new List<WireFrame>
        {
            new("a"u8.ToArray(), More: true),
            new("b"u8.ToArray()),
            new("\u0004PING\0\0"u8.ToArray(), Command: true),
            new(Wire.Body(300, 1), More: true),
            new(Wire.Body(300, 2), Command: true),
        };
        AssertFrames(expected, DecodeAll(new FrameDecoder(-1), Wire.Encode(expected)));
    }

    [Theory]
    [InlineData(256)]
    [InlineData(70_000)]
    public void DecodesALongFrame(int size)
    {
        var body = Wire.Body(size, 5);
        byte[] input = [0x02, .. BitConverter.GetBytes((ulong)size).Reverse(), .. body];
        var decoder = new FrameDecoder(-1);
        Assert.True(decoder.TryDecode(input, out int consumed, out var frame));
        Assert.Equal(9 + size, consumed);
        Wire.AssertFrame(new WireFrame(body), ref frame);
    }

    [Fact]
    public void AcceptsTheLongFormForASmallBody()
    {
        // RFC 23: a long frame has a body of 0 to 2^63-1 octets, so a long header may carry a small size.
        byte[] input = [0x03, 0, 0, 0, 0, 0, 0, 0, 2, (byte)'h', (byte)'i'];
        var decoder = new FrameDecoder(-1);
        Assert.True(decoder.TryDecode(input, out int consumed, out var frame));
        Assert.Equal(input.Length, consumed);
        Wire.AssertFrame(new WireFrame("hi"u8.ToArray(), More: true), ref frame);
    }

    [Fact]
    public void DecodesZeroLengthFrames()
    {
        byte[] input =
        [
            0x00, 0x00,                         // empty, last
            0x01, 0x00,                         // empty, more
            0x02, 0, 0, 0, 0, 0, 0, 0, 0,       // empty, long form
            0x04, 0x00,                         // empty command
            0x00, 0x01, (byte)'x',              // a non-empty frame after them
        ];
        var decoder = new FrameDecoder(-1);
        Assert.True(decoder.TryDecode(input, out int consumed, out var first));
        Assert.Equal(2, consumed); // an empty frame ends with its header; nothing after it is taken
        Assert.True(first.IsEmpty);

        var rest = DecodeAll(decoder, input.AsSpan(2));
        AssertFrames(
            [new([], More: true), new([]), new([], Command: true), new("x"u8.ToArray())],
            rest);
    }

    [Fact]
    public void EmptyInputIsJustNeedMore()
    {
        var decoder = new FrameDecoder(-1);
        Assert.False(decoder.TryDecode(ReadOnlySpan<byte>.Empty, out int consumed, out _));
        Assert.Equal(0, consumed);
        Assert.False(decoder.TryDecode(new byte[] { 0x00, 0x02, (byte)'a' }, out _, out _));
        Assert.False(decoder.TryDecode(ReadOnlySpan<byte>.Empty, out consumed, out _));
        Assert.Equal(0, consumed);
        Assert.True(decoder.InPayload);
        Assert.True(decoder.TryDecode(new byte[] { (byte)'b' }, out consumed, out var frame));
        Assert.Equal(1, consumed);
        Wire.AssertFrame(new WireFrame("ab"u8.ToArray()), ref frame);
    }

    [Fact]
    public void DecodesFramesFedOneByteAtATime()
    {
        var expected = Wire.MixedFrames(60);
        var stream = Wire.Encode(expected);
        var decoder = new FrameDecoder(-1);
        var frames = new List<Frame>();
        for (int i = 0; i < stream.Length; i++)
        {
            bool done = decoder.TryDecode(stream.AsSpan(i, 1), out int consumed, out var frame);
            Assert.Equal(1, consumed);
            if (done) frames.Add(frame);
        }
        Assert.False(decoder.InPayload);
        AssertFrames(expected, frames);
    }

    [Fact]
    public void DecodesFramesFedInRandomChunks()
    {
        var expected = Wire.MixedFrames(200);
        var stream = Wire.Encode(expected);
        var random = new Random(20240611);
        for (int round = 0; round < 50; round++)
        {
            var decoder = new FrameDecoder(-1);
            var frames = new List<Frame>();
            int at = 0;
            while (at < stream.Length)
            {
                int chunk = Math.Min(stream.Length - at, random.Next(1, round % 2 == 0 ? 12 : 3000));
                frames.AddRange(DecodeAll(decoder, stream.AsSpan(at, chunk)));
                at += chunk;
            }
            AssertFrames(expected, frames);
        }
    }

    [Fact]
    public void DecodesManyFramesFromOneBuffer()
    {
        var expected = Wire.MixedFrames(2000);
        AssertFrames(expected, DecodeAll(new FrameDecoder(-1), Wire.Encode(expected)));
    }

    [Fact]
    public void LargePayloadCanBeReceivedStraightIntoTheFrame()
    {
        var body = Wire.Body(1000, 9);
        var next = new WireFrame("next"u8.ToArray());
        var stream = Wire.Encode([new WireFrame(body, More: true), next]);
        var decoder = new FrameDecoder(-1);
        Assert.True(decoder.PayloadRemaining.IsEmpty);

        // Header and the first 10 payload bytes arrive.
        Assert.False(decoder.TryDecode(stream.AsSpan(0, 9 + 10), out int consumed, out _));
        Assert.Equal(19, consumed);
        Assert.True(decoder.InPayload);
        var remaining = decoder.PayloadRemaining;
        Assert.Equal(990, remaining.Length);

        // The transport receives the rest directly, in two reads.
        stream.AsSpan(19, 500).CopyTo(remaining.Span);
        Assert.False(decoder.AdvancePayload(500, out _));
        Assert.True(decoder.InPayload);
        remaining = decoder.PayloadRemaining;
        Assert.Equal(490, remaining.Length);
        stream.AsSpan(519, 490).CopyTo(remaining.Span);
        Assert.True(decoder.AdvancePayload(490, out var frame));
        Wire.AssertFrame(new WireFrame(body, More: true), ref frame);
        Assert.False(decoder.InPayload);
        Assert.True(decoder.PayloadRemaining.IsEmpty);

        // Decoding carries on normally afterwards.
        var after = DecodeAll(decoder, stream.AsSpan(9 + 1000));
        AssertFrames([next], after);
    }

    [Fact]
    public void HeaderAloneLeavesTheWholePayloadToFill()
    {
        var decoder = new FrameDecoder(-1);
        Assert.False(decoder.TryDecode(new byte[] { 0x00, 0x04 }, out int consumed, out _));
        Assert.Equal(2, consumed);
        Assert.Equal(4, decoder.PayloadRemaining.Length);
        "abcd"u8.CopyTo(decoder.PayloadRemaining.Span);
        Assert.True(decoder.AdvancePayload(4, out var frame));
        Wire.AssertFrame(new WireFrame("abcd"u8.ToArray()), ref frame);
    }

    [Theory]
    [InlineData(0x08)]
    [InlineData(0x10)]
    [InlineData(0x20)]
    [InlineData(0x40)]
    [InlineData(0x80)]
    [InlineData(0xF9)]
    public void ReservedFlagBitsAreAProtocolError(byte flags)
    {
        var decoder = new FrameDecoder(-1);
        Assert.Throws<ProtocolException>(() => decoder.TryDecode(new byte[] { flags, 0x01, 0x00 }, out _, out _));
    }

    [Theory]
    [InlineData(new byte[] { 0x05, 0x01, 0x41 })]                      // short command with MORE
    [InlineData(new byte[] { 0x07, 0, 0, 0, 0, 0, 0, 0, 1, 0x41 })]   // long command with MORE
    public void CommandWithMoreIsAProtocolError(byte[] input)
    {
        var decoder = new FrameDecoder(-1);
        Assert.Throws<ProtocolException>(() => decoder.TryDecode(input, out _, out _));
    }

    [Fact]
    public void FrameOverTheSizeLimitIsRefusedFromItsHeader()
    {
        var decoder = new FrameDecoder(maxSize: 100);
        // Only the header has arrived: the decoder must not wait for (or allocate) the payload.
        Assert.Throws<ProtocolException>(() => decoder.TryDecode(new byte[] { 0x00, 101 }, out _, out _));

        var longHeader = new byte[] { 0x02, 0, 0, 0, 0x40, 0, 0, 0, 0 }; // 256 GiB
        Assert.Throws<ProtocolException>(() => new FrameDecoder(maxSize: 100).TryDecode(longHeader, out _, out _));
    }

    [Fact]
    public void FrameAtTheSizeLimitIsAccepted()
    {
        var body = Wire.Body(100, 3);
        var frames = DecodeAll(new FrameDecoder(maxSize: 100), Wire.Encode([new WireFrame(body)]));
        AssertFrames([new WireFrame(body)], frames);
    }

    [Fact]
    public void ZeroSizeLimitStillAllowsEmptyFrames()
    {
        var decoder = new FrameDecoder(maxSize: 0);
        Assert.True(decoder.TryDecode(new byte[] { 0x00, 0x00 }, out _, out var frame));
        Assert.True(frame.IsEmpty);
        Assert.Throws<ProtocolException>(() => decoder.TryDecode(new byte[] { 0x00, 0x01, 0x41 }, out _, out _));
    }

    [Fact]
    public void FrameTooLargeForThisImplementationIsAProtocolErrorEvenWithoutALimit()
    {
        var decoder = new FrameDecoder(-1);
        var header = new byte[] { 0x02, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
        Assert.Throws<ProtocolException>(() => decoder.TryDecode(header, out _, out _));
    }

    [Fact]
    public void ResetDropsAPartlyReceivedFrame()
    {
        var decoder = new FrameDecoder(-1);
        Assert.False(decoder.TryDecode(new byte[] { 0x00, 0x05, (byte)'a' }, out _, out _));
        decoder.Reset();
        Assert.False(decoder.InPayload);
        var frames = DecodeAll(decoder, new byte[] { 0x00, 0x02, (byte)'o', (byte)'k' });
        AssertFrames([new WireFrame("ok"u8.ToArray())], frames);
    }

    [Fact]
    public void ResetDropsAPartlyReceivedHeader()
    {
        var decoder = new FrameDecoder(-1);
        Assert.False(decoder.TryDecode(new byte[] { 0x02, 0, 0 }, out _, out _));
        decoder.Reset();
        var frames = DecodeAll(decoder, new byte[] { 0x00, 0x02, (byte)'o', (byte)'k' });
        AssertFrames([new WireFrame("ok"u8.ToArray())], frames);
    }

    /// <summary>The fast path for small data frames gives exactly what the full decoder gives, and hands everything
    /// else (commands, frames over a slab carve) back untouched.</summary>
    [Fact]
    public void SmallDataFastPathMatchesTheFullDecoder()
    {
        var expected = Wire.MixedFrames(200);
        ReadOnlySpan<byte> input = Wire.Encode(expected);
        var decoder = new FrameDecoder(-1);
        int fast = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            bool small = !expected[i].Command && expected[i].Body.Length <= Zera.Core.SlabAllocator.MaxCarve;
            Frame frame;
            if (decoder.TryDecodeSmallData(input, out int consumed, out frame))
            {
                Assert.True(small, $"frame {i} should have been left to the full decoder");
                fast++;
            }
            else
            {
                Assert.False(small, $"frame {i} should have taken the fast path");
                Assert.Equal(0, consumed);
                Assert.True(decoder.TryDecode(input, out consumed, out frame));
            }
            input = input[consumed..];
            Wire.AssertFrame(expected[i], ref frame, i);
        }
        Assert.Equal(0, input.Length);
        Assert.True(fast > 100);
    }

    [Fact]
    public void SmallDataFastPathTakesASmallFrameInTheLongForm()
    {
        var decoder = new FrameDecoder(-1);
        byte[] input = [0x03, 0, 0, 0, 0, 0, 0, 0, 2, (byte)'h', (byte)'i', 0x77];
        Assert.True(decoder.TryDecodeSmallData(input, out int consumed, out var frame));
        Assert.Equal(11, consumed);
        Wire.AssertFrame(new WireFrame("hi"u8.ToArray(), More: true), ref frame);
    }

    /// <summary>Malformed, partial, oversized and other-version input is left to the full decoder, which reports it.</summary>
    [Theory]
    [InlineData(new byte[] { 0x08, 0x01, 0x41 })] // a reserved flag bit
    [InlineData(new byte[] { 0x04, 0x01, 0x41 })] // a command
    [InlineData(new byte[] { 0x00 })] // half a header
    [InlineData(new byte[] { 0x00, 0x05, 0x41 })] // part of a payload
    [InlineData(new byte[] { 0x02, 0, 0, 0, 0, 0, 0, 0 })] // part of a long header
    [InlineData(new byte[] { 0x01, 0x09, 1, 2, 3, 4, 5, 6, 7, 8, 9 })] // over the limit of 8 below
    public void SmallDataFastPathLeavesEverythingElseToTheFullDecoder(byte[] input)
    {
        var decoder = new FrameDecoder(8);
        Assert.False(decoder.TryDecodeSmallData(input, out int consumed, out var frame));
        Assert.Equal(0, consumed);
        Assert.Null(frame.Array);
    }

    [Fact]
    public void SmallDataFastPathWaitsWhileTheFullDecoderHoldsPartOfAFrame()
    {
        var decoder = new FrameDecoder(-1);
        Assert.False(decoder.TryDecode([0x00, 0x03, (byte)'a'], out _, out _)); // a frame begun
        Assert.False(decoder.TryDecodeSmallData([0x00, 0x01, (byte)'z'], out int consumed, out _));
        Assert.Equal(0, consumed);
        Assert.True(decoder.TryDecode("bc"u8, out _, out var frame));
        Wire.AssertFrame(new WireFrame("abc"u8.ToArray()), ref frame);
    }

    [Fact]
    public void SmallDataFastPathIsOffForZmtp10Framing()
    {
        var decoder = new FrameDecoder(-1) { Framing = ZmtpFraming.V1 };
        Assert.False(decoder.TryDecodeSmallData([0x02, 0x00, (byte)'a'], out int consumed, out _));
        Assert.Equal(0, consumed);
    }
}
