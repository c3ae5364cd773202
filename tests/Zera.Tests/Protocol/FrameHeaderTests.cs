using Zera.Protocol;

namespace Zera.Tests.Protocol;

/// <summary>Frame headers as RFC 23 §Framing lays them out: flags (MORE=1, LONG=2, COMMAND=4), then a 1-octet size
/// for 0-255 bytes or an 8-octet network-order size.</summary>
public class FrameHeaderTests
{
    private static byte[] Header(long size, bool more, bool command = false)
    {
        var buffer = new byte[FrameHeader.MaxSize];
        int n = FrameHeader.Write(buffer, size, more, command);
        Assert.Equal(FrameHeader.SizeOf(size), n);
        return buffer[..n];
    }

    [Fact]
    public void FlagValuesAreTheRfcBits()
    {
        Assert.Equal(0x01, FrameHeader.More);
        Assert.Equal(0x02, FrameHeader.Long);
        Assert.Equal(0x04, FrameHeader.Command);
        Assert.Equal(9, FrameHeader.MaxSize);
    }

    [Fact]
    public void EmptyLastFrameIsTwoZeroOctets() => Assert.Equal(new byte[] { 0x00, 0x00 }, Header(0, more: false));

    [Fact]
    public void ShortFrame() => Assert.Equal(new byte[] { 0x00, 0x05 }, Header(5, more: false));

    [Fact]
    public void ShortFrameWithMore() => Assert.Equal(new byte[] { 0x01, 0x05 }, Header(5, more: true));

    [Fact]
    public void LargestShortFrameUsesOneSizeOctet() => Assert.Equal(new byte[] { 0x00, 0xFF }, Header(255, more: false));

    [Fact]
    public void FrameOf256BytesUsesTheLongForm() =>
        Assert.Equal(new byte[] { 0x02, 0, 0, 0, 0, 0, 0, 0x01, 0x00 }, Header(256, more: false));

    [Fact]
    public void LongFrameWithMore() =>
        Assert.Equal(new byte[] { 0x03, 0, 0, 0, 0, 0, 0, 0x01, 0x00 }, Header(256, more: true));

    [Fact]
    public void LongSizeIsBigEndianOverEightOctets() =>
        Assert.Equal(new byte[] { 0x02, 0x00, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB }, Header(0x0123456789AB, more: false));

    [Fact]
    public void ShortCommand() => Assert.Equal(new byte[] { 0x04, 0x1C }, Header(28, more: false, command: true));

    [Fact]
    public void LongCommand() =>
        Assert.Equal(new byte[] { 0x06, 0, 0, 0, 0, 0, 0, 0x01, 0x2C }, Header(300, more: false, command: true));

    [Theory]
    [InlineData(0, 2)]
    [InlineData(255, 2)]
    [InlineData(256, 9)]
    [InlineData(int.MaxValue, 9)]
    public void SizeOfMatchesWhatWriteWrites(long size, int expected) => Assert.Equal(expected, FrameHeader.SizeOf(size));
}
