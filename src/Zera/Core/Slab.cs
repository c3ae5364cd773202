
namespace Zera.Core;

/// <summary>
/// A block of memory that many small frames are carved from, returned to the pool when the last of them is
/// disposed. This replaces a pool rent and return per frame (which, when one thread allocates and another frees, goes
/// through the shared pool's locked per-core stacks every time) with a bump of an offset on the allocating side and
/// one interlocked decrement on the freeing side.
/// </summary>
/// <remarks>Reference counting uses a bias: while a <see cref="SlabAllocator"/> still carves from the slab, the count
/// holds a large constant, and the allocator settles the difference once when it moves on. So carving a frame costs
/// no atomic operation at all.</remarks>
internal sealed class Slab : FrameOwner
{
    private const int Bias = 1 << 30;
    private const int PoolLimit = 256;
    private static readonly Stack<Slab> s_large = new();
    private static readonly Stack<Slab> s_small = new();

    private readonly Stack<Slab> _pool;
    private int _refs;

    /// <summary>Live frames plus the carving bias (for tests).</summary>
    internal int RefCount => Volatile.Read(ref _refs);

    private Slab(int size, Stack<Slab> pool)
    {
        Buffer = new byte[size];
        _pool = pool;
    }

    public byte[] Buffer { get; }

    /// <summary>Bytes the two slab pools hold for reuse (bounded by their limit; for the churn tests, which tell pooled
    /// memory from leaked memory).</summary>
    internal static long PooledBytes
    {
        get
        {
            long bytes;
            lock (s_small) bytes = (long)s_small.Count * SlabAllocator.SmallSlabSize;
            lock (s_large) bytes += (long)s_large.Count * SlabAllocator.DefaultSlabSize;
            return bytes;
        }
    }

    /// <summary>A slab of <see cref="SlabAllocator.DefaultSlabSize"/> bytes, or of
    /// <see cref="SlabAllocator.SmallSlabSize"/> when <paramref name="small"/>, from the pool when one is free.</summary>
    public static Slab Rent(bool small)
    {
        var pool = small ? s_small : s_large;
        Slab? slab;
        lock (pool)
        {
            pool.TryPop(out slab);
        }
        slab ??= new Slab(small ? SlabAllocator.SmallSlabSize : SlabAllocator.DefaultSlabSize, pool);
        slab._refs = Bias;
        return slab;
    }

    /// <summary>Called once by the allocator when it stops carving: <paramref name="carved"/> frames came from it.</summary>
    public void Retire(int carved)
    {
        if (Interlocked.Add(ref _refs, carved - Bias) == 0) Recycle();
    }

    /// <summary>A frame carved from this slab was shared <paramref name="count"/> times (once, or once per peer of a
    /// message to many).</summary>
    public override void AddRefs(int count) => Interlocked.Add(ref _refs, count);

    /// <summary>One frame carved from this slab (or a share of one) was disposed.</summary>
    public override void Release()
    {
        if (Interlocked.Decrement(ref _refs) == 0) Recycle();
    }

    private void Recycle()
    {
        lock (_pool)
        {
            if (_pool.Count < PoolLimit) _pool.Push(this);
        }
    }
}

/// <summary>Carves small frames out of slabs, for one owner at a time (a thread, or one connection's decoder).</summary>
internal sealed class SlabAllocator(bool small = false)
{
    /// <summary>Slabs for application threads.</summary>
    public const int DefaultSlabSize = 64 * 1024;

    /// <summary>Slabs for a connection's decoder: smaller, as there is one per connection.</summary>
    public const int SmallSlabSize = 16 * 1024;

    /// <summary>Frames up to this size come from slabs; larger ones get their own pooled array.</summary>
    public const int MaxCarve = 2048;

    [ThreadStatic]
    private static SlabAllocator? t_current;

    private Slab? _slab;
    private byte[]? _buffer;
    private int _offset;
    private int _carved;

    /// <summary>The calling thread's allocator.</summary>
    public static SlabAllocator ForThread => t_current ??= new SlabAllocator();

    /// <summary>A frame of <paramref name="size"/> bytes (more than 0): carved when small, else a pooled array.</summary>
    public Frame Allocate(int size)
    {
        if (size > MaxCarve)
            return new Frame(BufferPool.Rent(size), 0, size, FrameFlags.Pooled, null);
        // Only the allocator's own fields are read here, never the slab's: the slab's count shares a cache line with
        // its Buffer field, and the thread releasing frames writes that count, so reading slab.Buffer per frame would
        // cost a cross-core miss per message.
        var buffer = _buffer;
        if (buffer == null || _offset + size > buffer.Length)
        {
            _slab?.Retire(_carved);
            var slab = Slab.Rent(small);
            _slab = slab;
            _buffer = buffer = slab.Buffer;
            _offset = 0;
            _carved = 0;
        }
        int at = _offset;
        _offset = (at + size + 7) & ~7; // keep payloads 8-byte aligned
        _carved++;
        return new Frame(buffer, at, size, FrameFlags.None, _slab);
    }

    /// <summary>Stops carving from the current slab (its memory returns once its frames are disposed).</summary>
    public void Release()
    {
        _slab?.Retire(_carved);
        _slab = null;
        _buffer = null;
    }
}
