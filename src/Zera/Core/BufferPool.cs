using System.Buffers;

namespace Zera.Core;

/// <summary>
/// The byte arrays of frames and I/O buffers: from <see cref="ArrayPool{T}.Shared"/> up to <see cref="MaxPooled"/>,
/// plain uninitialised arrays above it, which the GC frees once unreferenced (as libzmq mallocs and frees a large
/// message).
/// </summary>
/// <remarks>The shared pool keeps a returned array of each size class in every thread that returned one, and up to
/// dozens more per core, and lets them go only under memory pressure. With frames of many MiB, whose buffers are
/// returned on whichever pool threads ran the connections, that kept gigabytes after the traffic stopped: the soak's
/// large-message scenario (100 MiB in flight) measured a 1.7 GB managed heap once every socket was closed.</remarks>
internal static class BufferPool
{
    /// <summary>The largest array taken from and given back to the shared pool (the decoder's first step for a large
    /// frame, <c>FrameDecoder.GrowThreshold</c>, is one).</summary>
    public const int MaxPooled = 1 << 20;

    /// <summary>An array of at least <paramref name="size"/> bytes, contents not cleared.</summary>
    public static byte[] Rent(int size) =>
        size <= MaxPooled ? ArrayPool<byte>.Shared.Rent(size) : GC.AllocateUninitializedArray<byte>(size);

    /// <summary>Gives back an array from <see cref="Rent"/>: to the pool if it came from there, else to the GC.</summary>
    public static void Return(byte[] array)
    {
        if (array.Length <= MaxPooled) ArrayPool<byte>.Shared.Return(array);
    }
}
