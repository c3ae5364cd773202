using System.Buffers;

namespace Zera.Core;

/// <summary>
/// The byte arrays of frames and I/O buffers: from <see cref="ArrayPool{T}.Shared"/> below <see cref="LargeSize"/>,
/// from Zera's own pool of large arrays (<see cref="LargeArrayPool"/>) from there up to <see cref="MaxPooled"/>, and
/// plain uninitialised arrays above it, which the GC frees once unreferenced (as libzmq mallocs and frees a large
/// message).
/// </summary>
/// <remarks>The shared pool keeps a returned array of each size class in every thread that returned one, and up to
/// dozens more per core, and lets them go only under memory pressure. With frames of many MiB, whose buffers are
/// returned on whichever pool threads ran the connections, that kept gigabytes after the traffic stopped: the soak's
/// large-message scenario (100 MiB in flight) measured a 1.7 GB managed heap once every socket was closed.</remarks>
internal static class BufferPool
{
    /// <summary>The largest array taken from and given back to a pool (the decoder's first step for a large frame,
    /// <c>FrameDecoder.GrowThreshold</c>, is one).</summary>
    public const int MaxPooled = 1 << 20;

    /// <summary>The smallest array kept by <see cref="LargeArrayPool"/> rather than the shared pool.</summary>
    public const int LargeSize = 16 * 1024;

    /// <summary>An array of at least <paramref name="size"/> bytes, contents not cleared.</summary>
    public static byte[] Rent(int size)
    {
        if (size > MaxPooled) return GC.AllocateUninitializedArray<byte>(size);
        return size > LargeSize / 2 ? LargeArrayPool.Shared.Rent(size) : ArrayPool<byte>.Shared.Rent(size);
    }

    /// <summary>Gives back an array from <see cref="Rent"/>: to the pool it came from, else to the GC.</summary>
    public static void Return(byte[] array)
    {
        if (array.Length > MaxPooled) return;
        if (array.Length >= LargeSize) LargeArrayPool.Shared.Return(array);
        else ArrayPool<byte>.Shared.Return(array);
    }

    /// <summary>Bytes held by the large-array pool now (for tests and diagnostics).</summary>
    public static long LargeBytesHeld => LargeArrayPool.Shared.Held;
}
