using System.Buffers.Binary;

namespace Zera.Protocol;

/// <summary>Encodes ZMTP 3.x frame headers (RFC 23 §Framing): a flags byte, then a 1-byte or 8-byte size.</summary>
internal static class FrameHeader
{
    public const byte More = 0x01;
    public const byte Long = 0x02;
    public const byte Command = 0x04;

    /// <summary>The largest header: flags and an 8-byte size.</summary>
    public const int MaxSize = 9;

    /// <summary>The largest header of any version: ZMTP 1.0's 0xFF, an 8-byte length and the flags.</summary>
    public const int MaxSizeAnyVersion = 10;

    /// <summary>Writes a message frame's header in <paramref name="framing"/>; returns its length.</summary>
    public static int Write(Span<byte> dest, long size, bool more, ZmtpFraming framing)
    {
        if (framing != ZmtpFraming.V1) return Write(dest, size, more);
        byte flags = more ? More : (byte)0;
        long length = size + 1; // ZMTP 1.0's length counts the flags octet
        if (length < 0xFF)
        {
            dest[0] = (byte)length;
            dest[1] = flags;
            return 2;
        }
        dest[0] = 0xFF;
        BinaryPrimitives.WriteUInt64BigEndian(dest[1..], (ulong)length);
        dest[9] = flags;
        return 10;
    }

    /// <summary>Header length for a frame of <paramref name="size"/> bytes.</summary>
    public static int SizeOf(long size) => size > 255 ? 9 : 2;

    /// <summary>Writes a header; returns its length.</summary>
    public static int Write(Span<byte> dest, long size, bool more, bool command = false)
    {
        byte flags = (byte)((more ? More : 0) | (command ? Command : 0));
        if (size > 255)
        {
            dest[0] = (byte)(flags | Long);
            BinaryPrimitives.WriteUInt64BigEndian(dest[1..], (ulong)size);
            return 9;
        }
        dest[0] = flags;
        dest[1] = (byte)size;
        return 2;
    }
}
