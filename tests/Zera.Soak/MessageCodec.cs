using System.Buffers.Binary;

namespace Zera.Soak;

/// <summary>
/// The soak's self-checking message: a 24-byte header (peer id, sequence number, total length, checksum) and a
/// payload filled with a pattern derived from the peer and sequence. A receiver finds a cut message (the length field
/// or the pattern disagrees), a corrupted or swapped one (the checksum), and, with <see cref="SequenceTracker"/>, a
/// lost, duplicated or reordered one.
/// </summary>
internal static class MessageCodec
{
    /// <summary>Bytes before the payload: peer (8), sequence (8), length (4), checksum (4).</summary>
    public const int HeaderSize = 24;

    /// <summary>A message of <paramref name="size"/> bytes (at least <see cref="HeaderSize"/>) in a pooled frame.</summary>
    public static Frame Build(long peer, long seq, int size)
    {
        var frame = Frame.Allocate(Math.Max(size, HeaderSize));
        Write(frame.Span, peer, seq);
        return frame;
    }

    /// <summary>Writes a message filling all of <paramref name="buffer"/>.</summary>
    public static void Write(Span<byte> buffer, long peer, long seq)
    {
        BinaryPrimitives.WriteInt64LittleEndian(buffer, peer);
        BinaryPrimitives.WriteInt64LittleEndian(buffer[8..], seq);
        BinaryPrimitives.WriteInt32LittleEndian(buffer[16..], buffer.Length);
        byte seed = Seed(peer, seq);
        var payload = buffer[HeaderSize..];
        for (int i = 0; i < payload.Length; i++) payload[i] = (byte)(seed + i);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[20..], Checksum(buffer));
    }

    /// <summary>Checks a received message; on success gives its peer and sequence, otherwise says what is wrong.</summary>
    public static bool TryRead(ReadOnlySpan<byte> message, out long peer, out long seq, out string? problem)
    {
        peer = seq = -1;
        if (message.Length < HeaderSize)
        {
            problem = $"a {message.Length}-byte message, shorter than the {HeaderSize}-byte header (truncated)";
            return false;
        }
        peer = BinaryPrimitives.ReadInt64LittleEndian(message);
        seq = BinaryPrimitives.ReadInt64LittleEndian(message[8..]);
        int length = BinaryPrimitives.ReadInt32LittleEndian(message[16..]);
        if (length != message.Length)
        {
            problem = $"peer {peer} seq {seq}: {message.Length} bytes where the header says {length} (truncated or joined)";
            return false;
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(message[20..]) != Checksum(message))
        {
            problem = $"peer {peer} seq {seq}: checksum mismatch (corrupted)";
            return false;
        }
        byte seed = Seed(peer, seq);
        var payload = message[HeaderSize..];
        for (int i = 0; i < payload.Length; i++)
        {
            if (payload[i] != (byte)(seed + i))
            {
                problem = $"peer {peer} seq {seq}: payload byte {i} is {payload[i]}, not {(byte)(seed + i)}";
                return false;
            }
        }
        problem = null;
        return true;
    }

    private static byte Seed(long peer, long seq) => (byte)(peer * 131 + seq * 7);

    /// <summary>FNV-1a over the message, the checksum field itself left out.</summary>
    private static uint Checksum(ReadOnlySpan<byte> message)
    {
        uint h = 2166136261;
        for (int i = 0; i < message.Length; i++)
        {
            if (i is >= 20 and < 24) continue;
            h = (h ^ message[i]) * 16777619;
        }
        return h;
    }
}
