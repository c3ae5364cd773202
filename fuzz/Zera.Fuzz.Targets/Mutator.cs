namespace Zera.Fuzz;

/// <summary>
/// Blind mutation (no coverage feedback) for the <c>--random</c> fallback and the unit test: from a seed, one to four
/// stacked edits among bit flips, "interesting" octets and 16-bit lengths, insertions, deletions, duplicated ranges,
/// truncation and splices with another seed. Deterministic for a given <see cref="Random"/>.
/// </summary>
public sealed class Mutator
{
    private static readonly byte[] s_interesting8 = [0, 1, 2, 3, 5, 7, 8, 0x10, 0x1F, 0x20, 0x40, 0x7E, 0x7F, 0x80, 0x81, 0xFE, 0xFF];
    private static readonly ushort[] s_interesting16 = [0, 1, 2, 8, 16, 80, 96, 128, 200, 255, 256, 257, 0x7FFF, 0x8000, 0xFFFF];
    private const int MaxLength = 4096;
    private readonly Random _random;
    private readonly IReadOnlyList<byte[]> _seeds;

    /// <summary>A mutator drawing from <paramref name="random"/>, splicing with <paramref name="seeds"/>.</summary>
    public Mutator(Random random, IReadOnlyList<byte[]> seeds)
    {
        _random = random;
        _seeds = seeds.Count > 0 ? seeds : [[]];
    }

    /// <summary>A mutant of a randomly chosen seed.</summary>
    public byte[] Next() => Mutate(_seeds[_random.Next(_seeds.Count)]);

    /// <summary>A mutant of <paramref name="input"/> (which is left as it is).</summary>
    public byte[] Mutate(byte[] input)
    {
        var data = new List<byte>(input);
        int edits = 1 + _random.Next(4);
        for (int i = 0; i < edits; i++) Edit(data);
        if (data.Count > MaxLength) data.RemoveRange(MaxLength, data.Count - MaxLength);
        return [.. data];
    }

    private void Edit(List<byte> data)
    {
        int op = _random.Next(data.Count == 0 ? 2 : 10);
        switch (op)
        {
            case 0: // insert random bytes
                data.InsertRange(_random.Next(data.Count + 1), RandomBytes(1 + _random.Next(16)));
                break;
            case 1: // splice: our prefix, another seed's suffix
            {
                var other = _seeds[_random.Next(_seeds.Count)];
                int keep = _random.Next(data.Count + 1);
                int from = _random.Next(other.Length + 1);
                data.RemoveRange(keep, data.Count - keep);
                data.AddRange(other.AsSpan(from).ToArray());
                break;
            }
            case 2:
            case 3: // flip a bit
            {
                int at = _random.Next(data.Count);
                data[at] ^= (byte)(1 << _random.Next(8));
                break;
            }
            case 4: // an interesting octet
                data[_random.Next(data.Count)] = s_interesting8[_random.Next(s_interesting8.Length)];
                break;
            case 5: // an interesting 16-bit value, big-endian (the chunk lengths), or a random octet
                if (data.Count >= 2)
                {
                    int at = _random.Next(data.Count - 1);
                    ushort v = s_interesting16[_random.Next(s_interesting16.Length)];
                    data[at] = (byte)(v >> 8);
                    data[at + 1] = (byte)v;
                }
                else
                {
                    data[0] = (byte)_random.Next(256);
                }
                break;
            case 6: // delete a range
            {
                int at = _random.Next(data.Count);
                data.RemoveRange(at, 1 + _random.Next(Math.Min(32, data.Count - at)));
                break;
            }
            case 7: // duplicate a range
            {
                int at = _random.Next(data.Count);
                int n = 1 + _random.Next(Math.Min(64, data.Count - at));
                data.InsertRange(_random.Next(data.Count + 1), data.GetRange(at, n));
                break;
            }
            case 8: // truncate
            {
                int keep = _random.Next(data.Count);
                data.RemoveRange(keep, data.Count - keep);
                break;
            }
            default: // overwrite with random bytes
            {
                int at = _random.Next(data.Count);
                var bytes = RandomBytes(1 + _random.Next(Math.Min(8, data.Count - at)));
                for (int i = 0; i < bytes.Length; i++) data[at + i] = bytes[i];
                break;
            }
        }
    }

    private byte[] RandomBytes(int n)
    {
        var bytes = new byte[n];
        _random.NextBytes(bytes);
        return bytes;
    }
}
