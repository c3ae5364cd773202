using Zera.Core;

namespace Zera.Tests.Core;

/// <summary>
/// <see cref="Frame.Share"/>: one payload, many owners (a message going to many peers), released once by the last,
/// whichever thread it is on. Slab-carved small frames and rented large frames both.
/// </summary>
public class SharedFrameTests
{
    [Theory]
    [InlineData(100)]     // carved from a slab
    [InlineData(100_000)] // its own rented array
    public void SharesSeeTheSamePayloadWithoutCopying(int size)
    {
        var f = Frame.Allocate(size);
        f.Span.Fill(7);
        var share = f.Share();
        Assert.Equal(size, share.Length);
        Assert.True(f.Memory.Span.Overlaps(share.Span, out int offset) && offset == 0, "the share must be the same memory");
        Assert.NotNull(f.Owner);
        Assert.Same(f.Owner, share.Owner);
        share.Dispose();
        Assert.All(f.ToArray(), b => Assert.Equal((byte)7, b)); // still valid for the remaining holder
        f.Dispose();
    }

    [Fact]
    public void RentedArrayGoesBackOnceWithTheLastHolder()
    {
        var f = Frame.Allocate(50_000);
        var shares = Enumerable.Range(0, 9).Select(_ => f.Share()).ToList();
        var owner = Assert.IsType<SharedArray>(f.Owner);
        Assert.Equal(10, owner.RefCount);
        foreach (var s in shares) s.Dispose();
        Assert.Equal(1, owner.RefCount);
        f.Dispose();
        Assert.Equal(0, owner.RefCount);
    }

    [Fact]
    public void SlabCountsEveryShare()
    {
        var allocator = new SlabAllocator();
        var f = allocator.Allocate(64);
        var slab = Assert.IsType<Slab>(f.Owner);
        int before = slab.RefCount;
        var a = f.Share();
        var b = a.Share();
        Assert.Equal(before + 2, slab.RefCount);
        a.Dispose();
        b.Dispose();
        f.Dispose();
        Assert.Equal(before - 1, slab.RefCount);
        allocator.Release();
    }

    /// <summary>Shares counted in one step (one message to many peers): the count is the same as with one share
    /// at a time, a rented array turns shared with all its holders, and the last holder releases it.</summary>
    [Theory]
    [InlineData(64)]
    [InlineData(50_000)]
    public void SharesCountedAtOnceAreCountedLikeSharesOneByOne(int size)
    {
        var allocator = new SlabAllocator();
        var f = allocator.Allocate(size);
        f.Flags |= FrameFlags.More;
        f.AddShares(9);
        var owner = f.Owner!;
        int RefCount() => owner is Slab s ? s.RefCount : ((SharedArray)owner).RefCount;
        int counted = RefCount();
        var shares = Enumerable.Range(0, 9).Select(_ => f.CountedShare()).ToList();
        Assert.Equal(counted, RefCount()); // taking a counted share adds nothing more
        Assert.All(shares, s => Assert.False(s.More));
        Assert.All(shares, s => Assert.Same(owner, s.Owner));
        foreach (var s in shares) s.Dispose();
        Assert.Equal(counted - 9, RefCount());
        f.Dispose();
        Assert.Equal(counted - 10, RefCount());
        if (owner is SharedArray) Assert.Equal(0, RefCount());
        allocator.Release();
    }

    [Fact]
    public void CountingNoSharesChangesNothing()
    {
        var f = Frame.Allocate(50_000);
        f.AddShares(0);
        Assert.Null(f.Owner); // still a rented array with one holder
        f.Dispose();
    }

    [Fact]
    public void ShareDropsTheMoreFlagSoEachHolderSetsItsOwn()
    {
        var f = Frame.Allocate(10);
        f.Flags |= FrameFlags.More;
        var share = f.Share();
        Assert.False(share.More);
        Assert.True(f.More);
        share.Dispose();
        f.Dispose();
    }

    [Fact]
    public void WrappedAndEmptyFramesShareWithoutAnOwner()
    {
        var wrapped = Frame.Wrap([1, 2, 3]);
        var share = wrapped.Share();
        Assert.Null(share.Owner);
        Assert.Equal([1, 2, 3], share.ToArray());
        share.Dispose();
        Assert.Equal([1, 2, 3], wrapped.ToArray());
        var empty = default(Frame).Share();
        Assert.True(empty.IsEmpty);
    }

    /// <summary>Shares disposed at the same moment on many threads: exactly one of them releases the buffer, and the
    /// count never goes below zero. Repeated so a lost update would show.</summary>
    [Theory]
    [InlineData(100)]
    [InlineData(100_000)]
    public void SharesDisposedConcurrentlyReleaseExactlyOnce(int size)
    {
        const int Holders = 16;
        for (int round = 0; round < 200; round++)
        {
            var allocator = new SlabAllocator();
            var f = allocator.Allocate(size);
            var shares = new Frame[Holders];
            for (int i = 0; i < Holders; i++) shares[i] = f.Share();
            var owner = f.Owner!;
            int start = owner is Slab s ? s.RefCount : ((SharedArray)owner).RefCount;
            f.Dispose();
            using var go = new Barrier(Holders);
            var threads = Enumerable.Range(0, Holders).Select(i => new Thread(() =>
            {
                go.SignalAndWait();
                shares[i].Dispose();
            })).ToList();
            foreach (var t in threads) t.Start();
            foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromSeconds(10)), "a disposing thread did not finish");
            int end = owner is Slab slab ? slab.RefCount : ((SharedArray)owner).RefCount;
            Assert.Equal(start - Holders - 1, end);
            if (owner is SharedArray) Assert.Equal(0, end);
            allocator.Release();
        }
    }
}
