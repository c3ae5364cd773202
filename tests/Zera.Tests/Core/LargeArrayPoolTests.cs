using Zera.Core;

namespace Zera.Tests.Core;

/// <summary>Zera's own pool of 16 KiB to 1 MiB arrays, each test on a pool of its own.</summary>
public class LargeArrayPoolTests
{
    [Theory]
    [InlineData(8 * 1024 + 1, 16 * 1024)]
    [InlineData(16 * 1024, 16 * 1024)]
    [InlineData(16 * 1024 + 1, 32 * 1024)]
    [InlineData(65536, 65536)]
    [InlineData(1 << 20, 1 << 20)]
    public void RentGivesThePowerOfTwoAtOrAboveTheSize(int size, int length)
    {
        var pool = new LargeArrayPool(LargeArrayPool.DefaultBudget);
        Assert.Equal(length, pool.Rent(size).Length);
    }

    [Fact]
    public void AReturnedArrayIsRentedAgain()
    {
        var pool = new LargeArrayPool(LargeArrayPool.DefaultBudget);
        var array = pool.Rent(65536);
        pool.Return(array);
        Assert.Equal(65536, pool.Held);
        Assert.Same(array, pool.Rent(40_000));
        Assert.Equal(0, pool.Held);
        Assert.NotSame(array, pool.Rent(65536)); // taken: a new one
    }

    [Fact]
    public void ClassesAreKeptApart()
    {
        var pool = new LargeArrayPool(LargeArrayPool.DefaultBudget);
        var small = pool.Rent(16 * 1024);
        pool.Return(small);
        Assert.Equal(32 * 1024, pool.Rent(20_000).Length);
        Assert.Same(small, pool.Rent(16 * 1024));
    }

    [Fact]
    public void NothingIsKeptBeyondTheBudget()
    {
        var pool = new LargeArrayPool(4 * 65536);
        var arrays = Enumerable.Range(0, 10).Select(_ => pool.Rent(65536)).ToList();
        foreach (var a in arrays) pool.Return(a);
        Assert.Equal(4 * 65536, pool.Held);
        int reused = Enumerable.Range(0, 10).Select(_ => pool.Rent(65536)).Count(a => arrays.Contains(a));
        Assert.Equal(4, reused);
        Assert.Equal(0, pool.Held);
    }

    [Theory]
    [InlineData(8 * 1024)]
    [InlineData(20_000)]
    [InlineData(2 << 20)]
    public void ArraysOutsideTheClassesAreLeftToTheGc(int length)
    {
        var pool = new LargeArrayPool(LargeArrayPool.DefaultBudget);
        pool.Return(new byte[length]);
        Assert.Equal(0, pool.Held);
    }

    [Fact]
    public void RentAboveTheLargestClassIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new LargeArrayPool(LargeArrayPool.DefaultBudget).Rent((1 << 20) + 1));

    [Fact]
    public async Task RentAndReturnFromManyThreadsKeepTheCountRight()
    {
        var pool = new LargeArrayPool(LargeArrayPool.DefaultBudget);
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                var a = pool.Rent(16 * 1024 << (i % 3));
                pool.Return(a);
            }
        })).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));
        // Every array went back; at most the four threads' last arrays of each class are held, and the count matches.
        long held = pool.Held;
        Assert.InRange(held, 16 * 1024, 4 * (16 + 32 + 64) * 1024);
        long counted = 0;
        while (pool.Held > 0)
        {
            // Drain each class: rents that come from the pool lower Held by their length.
            foreach (int size in new[] { 16 * 1024, 32 * 1024, 64 * 1024 })
            {
                long before = pool.Held;
                int length = pool.Rent(size).Length;
                if (pool.Held < before) counted += length;
            }
        }
        Assert.Equal(held, counted);
    }
}
