using System.Buffers.Binary;

namespace Zera.Protocol;

/// <summary>
/// Sans-I/O ZMTP 3.x frame decoder: fed bytes, it yields whole frames (data or command). It keeps a partly received
/// frame between calls and never throws for "need more data"; it throws <see cref="ProtocolException"/> for malformed
/// input (reserved flag bits, a command with MORE, a frame over the size limit).
/// </summary>
/// <remarks>Single-threaded: owned by one connection's receive loop.</remarks>
internal sealed class FrameDecoder
{
    private readonly long _maxSize;
    // Per connection, not per thread: the receive loop may resume on any pool thread.
    private readonly Core.SlabAllocator _allocator = new(small: true);
    private readonly byte[] _header = new byte[FrameHeader.MaxSizeAnyVersion];
    private int _headerHave;
    private Frame _frame;
    private int _payloadHave;
    private bool _inPayload;

    /// <summary>Creates a decoder; <paramref name="maxSize"/> below 0 means no limit on a frame's size.</summary>
    public FrameDecoder(long maxSize) => _maxSize = maxSize;

    /// <summary>The framing of the negotiated protocol version: ZMTP 3.x (the default), 2.0 (no command frames) or
    /// 1.0 (length first, then flags). Set by the connection before any frame is decoded.</summary>
    public ZmtpFraming Framing { get; set; } = ZmtpFraming.V3;

    /// <summary>True when a frame's header was read and its payload is still arriving.</summary>
    public bool InPayload => _inPayload;

    /// <summary>
    /// Decodes from <paramref name="input"/>. Returns true with a whole frame (its More/Command flags set) and the
    /// number of bytes consumed; returns false when every byte was consumed without completing a frame.
    /// </summary>
    public bool TryDecode(ReadOnlySpan<byte> input, out int consumed, out Frame frame)
    {
        consumed = 0;
        while (true)
        {
            if (!_inPayload)
            {
                if (!ReadHeader(input, ref consumed))
                {
                    frame = default;
                    return false;
                }
                if (_frame.Size == 0)
                {
                    frame = TakeFrame();
                    return true;
                }
            }
            int want = _frame.Size - _payloadHave;
            int n = Math.Min(want, input.Length - consumed);
            EnsureCapacity(_payloadHave + n);
            input.Slice(consumed, n).CopyTo(_frame.Array.AsSpan(_frame.Offset + _payloadHave));
            consumed += n;
            _payloadHave += n;
            if (_payloadHave < _frame.Size)
            {
                frame = default;
                return false;
            }
            frame = TakeFrame();
            return true;
        }
    }

    /// <summary>
    /// The common case in one step: a whole small data frame (no COMMAND or reserved flag bit; a size within
    /// MAXMSGSIZE and small enough to be carved from a slab) at the start of <paramref name="input"/>, with nothing of
    /// an earlier frame buffered. Returns false, having consumed nothing, for anything else; <see cref="TryDecode"/>
    /// then takes it, errors included. It saves the general decoder's state keeping and copies for the small messages
    /// that make most traffic; <paramref name="consumed"/> is the frame's header and payload.
    /// </summary>
    public bool TryDecodeSmallData(ReadOnlySpan<byte> input, out int consumed, out Frame frame)
    {
        frame = default;
        consumed = 0;
        if (_inPayload || _headerHave != 0 || input.Length < 2 || Framing == ZmtpFraming.V1) return false;
        byte flags = input[0];
        if ((flags & ~(FrameHeader.More | FrameHeader.Long)) != 0) return false;
        int header;
        ulong size;
        if ((flags & FrameHeader.Long) == 0)
        {
            header = 2;
            size = input[1];
        }
        else
        {
            if (input.Length < 9) return false;
            header = 9;
            size = BinaryPrimitives.ReadUInt64BigEndian(input[1..]);
            if (size > Core.SlabAllocator.MaxCarve) return false;
        }
        if ((ulong)(input.Length - header) < size || (_maxSize >= 0 && (long)size > _maxSize)) return false;
        int n = (int)size;
        if (n > 0)
        {
            frame = _allocator.Allocate(n);
            input.Slice(header, n).CopyTo(frame.Span);
        }
        if ((flags & FrameHeader.More) != 0) frame.Flags |= FrameFlags.More;
        consumed = header + n;
        return true;
    }

    /// <summary>When a large payload is still arriving, the part of it not yet filled, so a transport can receive
    /// straight into the frame's own buffer; otherwise empty.</summary>
    public Memory<byte> PayloadRemaining
    {
        get
        {
            if (!_inPayload) return default;
            EnsureCapacity(Math.Min(_frame.Size, _payloadHave + 1));
            int room = Math.Min(_frame.Size, _frame.Array!.Length - _frame.Offset) - _payloadHave;
            return _frame.Array.AsMemory(_frame.Offset + _payloadHave, room);
        }
    }

    /// <summary>Frames above this size get their buffer in steps as their bytes arrive, so a peer that announces a
    /// huge frame (up to 2 GiB when MAXMSGSIZE is unlimited) makes Zera hold only as much memory as it really sent.</summary>
    internal const int GrowThreshold = 1 << 20;

    private void EnsureCapacity(int needed)
    {
        var array = _frame.Array!;
        if (array.Length - _frame.Offset >= needed) return;
        // Only a large frame's own (pooled, offset 0) buffer is ever short: double it, up to the frame's size.
        var bigger = Core.BufferPool.Rent((int)Math.Min(_frame.Size, Math.Max(needed, 2L * array.Length)));
        array.AsSpan(0, _payloadHave).CopyTo(bigger);
        Core.BufferPool.Return(array);
        _frame.Array = bigger;
    }

    /// <summary>Records <paramref name="count"/> bytes received into <see cref="PayloadRemaining"/>; returns true
    /// with the frame when it is complete.</summary>
    public bool AdvancePayload(int count, out Frame frame)
    {
        _payloadHave += count;
        if (_payloadHave < _frame.Size)
        {
            frame = default;
            return false;
        }
        frame = TakeFrame();
        return true;
    }

    private bool ReadHeader(ReadOnlySpan<byte> input, ref int consumed)
    {
        if (Framing == ZmtpFraming.V1) return ReadHeaderV1(input, ref consumed);
        // Fast path: a whole header in the input, nothing buffered.
        if (_headerHave == 0 && input.Length - consumed >= 2)
        {
            byte flags = input[consumed];
            int need = (flags & FrameHeader.Long) != 0 ? 9 : 2;
            if (input.Length - consumed >= need)
            {
                BeginFrame(input.Slice(consumed, need));
                consumed += need;
                return true;
            }
        }
        while (consumed < input.Length)
        {
            _header[_headerHave++] = input[consumed++];
            int need = (_header[0] & FrameHeader.Long) != 0 ? 9 : 2;
            if (_headerHave == need)
            {
                _headerHave = 0;
                BeginFrame(_header.AsSpan(0, need));
                return true;
            }
        }
        return false;
    }

    /// <summary>ZMTP 1.0 (RFC 13): a length (one octet, or 0xFF and eight octets) that counts the flags octet too,
    /// then the flags octet (bit 0 MORE, the rest reserved).</summary>
    private bool ReadHeaderV1(ReadOnlySpan<byte> input, ref int consumed)
    {
        while (consumed < input.Length)
        {
            _header[_headerHave++] = input[consumed++];
            int need = _header[0] == 0xFF ? 10 : 2;
            if (_headerHave < need) continue;
            _headerHave = 0;
            ulong length = need == 10 ? BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(1)) : _header[0];
            byte flags = _header[need - 1];
            if (length == 0) throw new ProtocolException("ZMTP 1.0 frame with a length of 0 (the length counts the flags octet)");
            if ((flags & 0xFE) != 0) throw new ProtocolException($"reserved ZMTP 1.0 flag bits set (0x{flags:X2})");
            BeginFrame((flags & FrameHeader.More) != 0, command: false, length - 1);
            return true;
        }
        return false;
    }

    private void BeginFrame(ReadOnlySpan<byte> header)
    {
        byte flags = header[0];
        if ((flags & 0xF8) != 0) throw new ProtocolException($"reserved frame flag bits set (0x{flags:X2})");
        bool command = (flags & FrameHeader.Command) != 0;
        bool more = (flags & FrameHeader.More) != 0;
        if (command && Framing == ZmtpFraming.V2) throw new ProtocolException($"reserved frame flag bits set (0x{flags:X2}): ZMTP 2.0 has no commands");
        if (command && more) throw new ProtocolException("command frame with MORE set");
        ulong size = (flags & FrameHeader.Long) != 0 ? BinaryPrimitives.ReadUInt64BigEndian(header[1..]) : header[1];
        BeginFrame(more, command, size);
    }

    private void BeginFrame(bool more, bool command, ulong size)
    {
        if (size > int.MaxValue) throw new ProtocolException($"frame of {size} bytes is too large for this implementation");
        if (_maxSize >= 0 && (long)size > _maxSize)
            throw new ProtocolException($"frame of {size} bytes exceeds MAXMSGSIZE {_maxSize}");
        int n = (int)size;
        var f = n == 0 ? default
            : n > GrowThreshold ? new Frame(Core.BufferPool.Rent(GrowThreshold), 0, n, FrameFlags.Pooled, null)
            : _allocator.Allocate(n);
        f.Flags |= (more ? FrameFlags.More : 0) | (command ? FrameFlags.Command : 0);
        _frame = f;
        _payloadHave = 0;
        _inPayload = n > 0;
    }

    private Frame TakeFrame()
    {
        var f = _frame;
        _frame = default;
        _inPayload = false;
        _payloadHave = 0;
        return f;
    }

    /// <summary>Between reads, when the connection goes idle: stops carving from the current slab, so an idle
    /// connection holds none (its memory returns once the frames carved from it are disposed; a frame still being
    /// received keeps its own part).</summary>
    public void ReleaseIdleMemory() => _allocator.Release();

    /// <summary>Releases a partly received frame.</summary>
    public void Reset()
    {
        _frame.Dispose();
        _allocator.Release();
        _inPayload = false;
        _payloadHave = 0;
        _headerHave = 0;
    }
}

/// <summary>The frame syntax of a protocol version.</summary>
internal enum ZmtpFraming
{
    /// <summary>ZMTP 3.x (RFC 23): flags (MORE, LONG, COMMAND), then a 1- or 8-octet size.</summary>
    V3,

    /// <summary>ZMTP 2.0 (RFC 15): as 3.x without command frames.</summary>
    V2,

    /// <summary>ZMTP 1.0 (RFC 13): a 1- or 9-octet length that counts the flags octet, then the flags (MORE).</summary>
    V1,
}
