using System.Text;
using Zera.Core;

namespace Zera;

/// <summary>
/// One ZeroMQ frame (message part): a length and a payload, usually over pooled memory.
/// </summary>
/// <remarks>
/// <para>Ownership: each frame value has exactly one owner at a time. <see cref="Allocate"/> and a receive give you the
/// frame; a send that succeeds takes it (the <c>ref</c> overloads reset your variable to an empty frame). Call
/// <see cref="Dispose"/> on a frame you own and no longer need, so its buffer returns to the pool; a frame you did not
/// dispose is simply collected. Do not keep or use a copy of the struct after its owner disposed or sent it; to give
/// the same payload to several owners (one message to many peers), <see cref="Share"/> it: each share is disposed
/// (or sent) on its own, and the buffer returns to its pool once, with the last.</para>
/// <para>A frame is not thread-safe; hand it between threads only by sending it or by passing ownership.</para>
/// </remarks>
public struct Frame : IDisposable
{
    internal byte[]? Array;
    internal FrameOwner? Owner;
    internal int Offset;
    internal int Size;
    internal FrameFlags Flags;

    internal Frame(byte[]? array, int offset, int size, FrameFlags flags, FrameOwner? owner)
    {
        Array = array;
        Offset = offset;
        Size = size;
        Flags = flags;
        Owner = owner;
    }

    /// <summary>Allocates a frame of <paramref name="size"/> bytes from Zera's pools (small frames are carved from
    /// shared blocks, large ones rented). Its contents are not cleared.</summary>
    public static Frame Allocate(int size)
    {
        if (size < 0) Guard.ThrowOutOfRange(nameof(size), size, "must not be negative");
        return size == 0 ? default : SlabAllocator.ForThread.Allocate(size);
    }

    /// <summary>Wraps <paramref name="array"/> without copying. The frame owns the array from now on: do not change it
    /// while the frame may still be queued for sending.</summary>
    public static Frame Wrap(byte[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        return new Frame(array, 0, array.Length, FrameFlags.None, null);
    }

    /// <summary>Copies <paramref name="data"/> into a new pooled frame.</summary>
    public static Frame CopyOf(ReadOnlySpan<byte> data)
    {
        var f = Allocate(data.Length);
        data.CopyTo(f.Span);
        return f;
    }

    /// <summary>Encodes <paramref name="text"/> as UTF-8 into a new pooled frame.</summary>
    public static Frame FromString(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var f = Allocate(Encoding.UTF8.GetByteCount(text));
        Encoding.UTF8.GetBytes(text, f.Span);
        return f;
    }

    /// <summary>The payload length in bytes.</summary>
    public readonly int Length => Size;

    /// <summary>True when the payload is empty (such as REQ/REP's delimiter frame).</summary>
    public readonly bool IsEmpty => Size == 0;

    /// <summary>On a received frame: true when more frames of the same message follow (ZMQ_RCVMORE).</summary>
    public readonly bool More => (Flags & FrameFlags.More) != 0;

    /// <summary>The payload. Valid until the frame is disposed or sent.</summary>
    public readonly Span<byte> Span => Array is null ? default : Array.AsSpan(Offset, Size);

    /// <summary>The payload as memory. Valid until the frame is disposed or sent.</summary>
    public readonly Memory<byte> Memory => Array is null ? default : Array.AsMemory(Offset, Size);

    /// <summary>Copies the payload into a new array.</summary>
    public readonly byte[] ToArray() => Span.ToArray();

    /// <summary>Decodes the payload as UTF-8.</summary>
    public readonly string GetString() => Encoding.UTF8.GetString(Span);

    /// <summary>
    /// Another frame over the same payload, without copying it: the share and this frame are owned, sent and disposed
    /// independently, and the payload's buffer goes back to its pool once, when the last of them is disposed. Neither
    /// may change the payload while another may still be read or queued for sending. Sharing is thread-safe in the
    /// sense that the shares may be disposed on different threads; call <see cref="Share"/> itself on the thread that
    /// owns this frame.
    /// </summary>
    public Frame Share()
    {
        AddShares(1);
        return CountedShare();
    }

    /// <summary>Counts <paramref name="count"/> shares of this frame in one step (one interlocked add, not one per
    /// share, on a counter the readers of earlier shares are decrementing meanwhile); each is then taken with
    /// <see cref="CountedShare"/>. For one message to many peers.</summary>
    internal void AddShares(int count)
    {
        if (count <= 0) return;
        if (Owner is not null)
        {
            Owner.AddRefs(count);
        }
        else if ((Flags & FrameFlags.Pooled) != 0 && Array is not null)
        {
            // A rented array with one holder: from now on a shared owner counts its holders, this frame and the shares.
            Owner = new SharedArray(Array, refs: count + 1);
            Flags &= ~FrameFlags.Pooled;
        }
    }

    /// <summary>One of the shares <see cref="AddShares"/> counted.</summary>
    internal readonly Frame CountedShare()
    {
        var share = this;
        share.Flags &= ~FrameFlags.More;
        return share;
    }

    /// <summary>Returns the buffer to the pool (if pooled) and leaves this frame empty. Safe to call twice.</summary>
    public void Dispose()
    {
        if (Owner is not null) Owner.Release();
        else if ((Flags & FrameFlags.Pooled) != 0 && Array is not null) BufferPool.Return(Array);
        this = default;
    }

    /// <summary>A short description for debugging: length and the first bytes.</summary>
    public override readonly string ToString() =>
        $"Frame[{Size}{(More ? ", more" : "")}] {Convert.ToHexString(Span[..Math.Min(Size, 16)])}";
}

[Flags]
internal enum FrameFlags : byte
{
    None = 0,
    More = 1,
    Pooled = 2,
    Command = 4,

    /// <summary>A subscription message (first byte 1, subscribe, or 0, cancel) sent by a SUB or XSUB: a connection to a
    /// ZMTP 3.1 peer sends it as a SUBSCRIBE or CANCEL command (RFC 37).</summary>
    Subscription = 8,
}
