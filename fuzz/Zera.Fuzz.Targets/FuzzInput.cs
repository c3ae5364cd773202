using System.Buffers.Binary;

namespace Zera.Fuzz;

/// <summary>
/// The layout most targets read their input in: one configuration octet (which mode, which reply), then chunks, each
/// a 16-bit big-endian length and that many bytes (a length running past the end takes what is left). Every byte
/// string is a valid input: nothing here can fail.
/// </summary>
public ref struct FuzzInput
{
    private ReadOnlySpan<byte> _rest;

    /// <summary>Starts reading <paramref name="input"/>: its first octet is <see cref="Config"/> (0 when empty).</summary>
    public FuzzInput(ReadOnlySpan<byte> input)
    {
        Config = input.IsEmpty ? (byte)0 : input[0];
        _rest = input.IsEmpty ? default : input[1..];
    }

    /// <summary>The configuration octet.</summary>
    public byte Config { get; }

    /// <summary>What is left after the chunks read so far.</summary>
    public readonly ReadOnlySpan<byte> Rest => _rest;

    /// <summary>The next chunk; false when the input is used up.</summary>
    public bool TryNext(out ReadOnlySpan<byte> chunk)
    {
        if (_rest.IsEmpty)
        {
            chunk = default;
            return false;
        }
        if (_rest.Length < 2)
        {
            chunk = _rest;
            _rest = default;
            return true;
        }
        int length = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(_rest), _rest.Length - 2);
        chunk = _rest.Slice(2, length);
        _rest = _rest[(2 + length)..];
        return true;
    }

    /// <summary>Lays out an input: <paramref name="config"/>, then each chunk after its length.</summary>
    public static byte[] Encode(byte config, params ReadOnlySpan<byte[]> chunks)
    {
        var stream = new MemoryStream();
        stream.WriteByte(config);
        Span<byte> length = stackalloc byte[2];
        foreach (var chunk in chunks)
        {
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)chunk.Length);
            stream.Write(length);
            stream.Write(chunk);
        }
        return stream.ToArray();
    }
}
