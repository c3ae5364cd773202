using System.Numerics;

namespace Zera.Core;

/// <summary>
/// Arrays of 16 KiB to 1 MiB, in power-of-two size classes, kept up to a budget of bytes in all. A stream of large
/// messages keeps hundreds of them in flight (a pipe's mark of 1,000 frames of 64 KiB is 64 MB), and they come back in
/// bursts on the thread that consumed them: more than the runtime's shared pool keeps per core, so every array past
/// its few dozen was a fresh allocation, zeroed and faulted in page by page. Kept here, tcp 64 KiB streams moved 1.2x
/// as many messages with the blocking API and 1.4x with the async one (bench/RESULTS.md). Thread-safe: any thread
/// may rent and return; one lock per size class, taken once per large frame, is cheap beside copying the frame.
/// </summary>
internal sealed class LargeArrayPool
{
    /// <summary>The process's pool, behind <see cref="BufferPool"/>.</summary>
    public static readonly LargeArrayPool Shared = new(DefaultBudget);

    /// <summary>The shared pool's budget: a bound on what it holds after traffic stops, whatever the sizes.</summary>
    public const long DefaultBudget = 32L << 20;

    /// <summary>The smallest size class, 16 KiB.</summary>
    public const int SmallestShift = 14;

    /// <summary>The largest size class, 1 MiB.</summary>
    public const int LargestShift = 20;

    private readonly Stack<byte[]>[] _classes = new Stack<byte[]>[LargestShift - SmallestShift + 1];
    private readonly long _budget;
    private long _held;

    /// <summary>A pool that keeps at most <paramref name="budget"/> bytes.</summary>
    public LargeArrayPool(long budget)
    {
        _budget = budget;
        for (int i = 0; i < _classes.Length; i++) _classes[i] = new Stack<byte[]>();
    }

    /// <summary>Bytes held now.</summary>
    public long Held => Volatile.Read(ref _held);

    /// <summary>An array of the power of two at or above <paramref name="size"/> (at least 16 KiB, at most 1 MiB),
    /// contents not cleared.</summary>
    public byte[] Rent(int size)
    {
        int shift = Math.Max(SmallestShift, BitOperations.Log2((uint)size - 1) + 1);
        if (shift > LargestShift) throw new ArgumentOutOfRangeException(nameof(size), size, "larger than the largest size class (1 MiB)");
        var stack = _classes[shift - SmallestShift];
        lock (stack)
        {
            if (stack.TryPop(out var array))
            {
                Interlocked.Add(ref _held, -array.Length);
                return array;
            }
        }
        return GC.AllocateUninitializedArray<byte>(1 << shift);
    }

    /// <summary>Keeps <paramref name="array"/> for reuse when its length is one of the size classes and the budget
    /// allows; otherwise leaves it to the GC.</summary>
    public void Return(byte[] array)
    {
        int length = array.Length;
        if (!BitOperations.IsPow2(length) || length < 1 << SmallestShift || length > 1 << LargestShift) return;
        if (Interlocked.Add(ref _held, length) > _budget)
        {
            Interlocked.Add(ref _held, -length);
            return;
        }
        var stack = _classes[BitOperations.Log2((uint)length) - SmallestShift];
        lock (stack) stack.Push(array);
    }
}
