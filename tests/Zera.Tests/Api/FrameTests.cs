using System.Text;

namespace Zera.Tests.Api;

/// <summary>The public frame: construction, contents and disposal.</summary>
public class FrameTests
{
    [Fact]
    public void AllocateGivesAFrameOfTheRequestedLength()
    {
        var f = Frame.Allocate(10);
        Assert.Equal(10, f.Length);
        Assert.Equal(10, f.Span.Length);
        Assert.Equal(10, f.Memory.Length);
        Assert.False(f.IsEmpty);
        Assert.False(f.More);
        f.Span.Fill(0x5A);
        Assert.All(f.ToArray(), b => Assert.Equal((byte)0x5A, b));
        f.Dispose();
    }

    [Fact]
    public void AllocateZeroIsEmpty()
    {
        var f = Frame.Allocate(0);
        Assert.True(f.IsEmpty);
        Assert.Equal(0, f.Length);
        Assert.Empty(f.ToArray());
        Assert.Equal("", f.GetString());
    }

    [Fact]
    public void AllocateNegativeIsOutOfRange()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Frame.Allocate(-1));
        Assert.Equal("size", e.ParamName);
    }

    [Fact]
    public void WrapSharesTheArray()
    {
        byte[] data = [1, 2, 3];
        var f = Frame.Wrap(data);
        Assert.Equal(3, f.Length);
        data[0] = 9;
        Assert.Equal(9, f.Span[0]);
        f.Span[1] = 8;
        Assert.Equal(8, data[1]);
    }

    [Fact]
    public void WrapOfAnEmptyArrayIsEmpty() => Assert.True(Frame.Wrap([]).IsEmpty);

    [Fact]
    public void WrapAndFromStringRefuseNull()
    {
        Assert.Throws<ArgumentNullException>(() => Frame.Wrap(null!));
        Assert.Throws<ArgumentNullException>(() => Frame.FromString(null!));
    }

    [Fact]
    public void CopyOfIsIndependentOfItsSource()
    {
        byte[] data = [1, 2, 3, 4];
        using var f = Frame.CopyOf(data);
        data[0] = 9;
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, f.ToArray());
        Assert.True(Frame.CopyOf([]).IsEmpty);
    }

    [Fact]
    public void FromStringEncodesUtf8()
    {
        const string text = "héllo wörld ✓";
        using var f = Frame.FromString(text);
        Assert.Equal(Encoding.UTF8.GetBytes(text), f.ToArray());
        Assert.Equal(Encoding.UTF8.GetByteCount(text), f.Length);
        Assert.Equal(text, f.GetString());
        Assert.True(Frame.FromString("").IsEmpty);
    }

    [Fact]
    public void ToArrayReturnsAFreshCopy()
    {
        byte[] data = [1, 2];
        var f = Frame.Wrap(data);
        var copy = f.ToArray();
        Assert.NotSame(data, copy);
        copy[0] = 7;
        Assert.Equal(1, f.Span[0]);
    }

    [Fact]
    public void DisposeTwiceIsSafeAndLeavesTheFrameEmpty()
    {
        var f = Frame.FromString("payload");
        f.Dispose();
        Assert.True(f.IsEmpty);
        Assert.Equal(0, f.Length);
        Assert.Equal("", f.GetString());
        f.Dispose();
        Assert.True(f.IsEmpty);

        var wrapped = Frame.Wrap([1, 2, 3]);
        wrapped.Dispose();
        wrapped.Dispose();
        Assert.True(wrapped.IsEmpty);

        var none = default(Frame);
        none.Dispose();
        Assert.True(none.IsEmpty);
    }

    [Fact]
    public void DisposingAWrappedFrameLeavesTheCallersArrayAlone()
    {
        byte[] data = [1, 2, 3];
        var f = Frame.Wrap(data);
        f.Dispose();
        Assert.Equal(new byte[] { 1, 2, 3 }, data);
    }

    [Fact]
    public void ToStringShowsLengthAndLeadingBytes()
    {
        using var f = Frame.CopyOf([0xDE, 0xAD, 0xBE, 0xEF]);
        var s = f.ToString();
        Assert.Contains("4", s);
        Assert.Contains("DEADBEEF", s);
    }
}
