
namespace Zera.Core;

/// <summary>
/// Counts the holders of a frame's memory and gives it back once, when the last one lets go: a slab many small
/// frames are carved from, or one pooled array shared by several frames (a message sent to many peers).
/// </summary>
/// <remarks>Thread-safe: holders on any threads add and release references with interlocked operations.</remarks>
internal abstract class FrameOwner
{
    /// <summary><paramref name="count"/> more frames hold this memory, counted in one step (the caller already holds
    /// one, so the count cannot be zero).</summary>
    public abstract void AddRefs(int count);

    /// <summary>One frame let go of this memory.</summary>
    public abstract void Release();
}

/// <summary>A pooled array shared by several frames: returned to <see cref="BufferPool"/> by the last.</summary>
internal sealed class SharedArray : FrameOwner
{
    private readonly byte[] _array;
    private int _refs;

    /// <summary>Takes over <paramref name="array"/> (rented from the shared pool) with <paramref name="refs"/> holders.</summary>
    public SharedArray(byte[] array, int refs)
    {
        _array = array;
        _refs = refs;
    }

    /// <summary>Holders left (for tests).</summary>
    internal int RefCount => Volatile.Read(ref _refs);

    public override void AddRefs(int count) => Interlocked.Add(ref _refs, count);

    public override void Release()
    {
        if (Interlocked.Decrement(ref _refs) == 0) BufferPool.Return(_array);
    }
}
