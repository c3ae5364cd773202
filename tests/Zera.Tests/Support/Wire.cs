using Zera.Protocol;

namespace Zera.Tests.Support;

/// <summary>One frame as a test expects it on the wire.</summary>
public sealed record WireFrame(byte[] Body, bool More = false, bool Command = false);

/// <summary>Builds ZMTP byte streams for decoder tests (headers written by hand-checked <see cref="FrameHeader"/>).</summary>
public static class Wire
{
    public static byte[] Encode(IEnumerable<WireFrame> frames)
    {
        var stream = new MemoryStream();
        var header = new byte[FrameHeader.MaxSize];
        foreach (var f in frames)
        {
            int n = FrameHeader.Write(header, f.Body.Length, f.More, f.Command);
            stream.Write(header, 0, n);
            stream.Write(f.Body);
        }
        return stream.ToArray();
    }

    /// <summary>A body of <paramref name="size"/> bytes whose content depends on <paramref name="seed"/>.</summary>
    public static byte[] Body(int size, int seed)
    {
        var body = new byte[size];
        for (int i = 0; i < size; i++) body[i] = (byte)(seed * 31 + i * 7);
        return body;
    }

    /// <summary>A mix of sizes around the short/long boundary, MORE and COMMAND frames, and empty frames.</summary>
    public static List<WireFrame> MixedFrames(int count)
    {
        int[] sizes = [0, 1, 2, 100, 254, 255, 256, 257, 1000, 5000];
        var frames = new List<WireFrame>(count);
        for (int i = 0; i < count; i++)
        {
            int size = sizes[i % sizes.Length];
            bool command = i % 7 == 3;
            bool more = !command && i % 3 == 0;
            frames.Add(new WireFrame(Body(size, i), more, command));
        }
        return frames;
    }

    /// <summary>Takes a decoded frame: checks it against <paramref name="expected"/> and releases it.</summary>
    public static void AssertFrame(WireFrame expected, ref Frame actual, int index = -1)
    {
        try
        {
            Assert.True(expected.Body.AsSpan().SequenceEqual(actual.Span), $"frame {index}: body differs (length {actual.Length}, expected {expected.Body.Length})");
            Assert.True(expected.More == actual.More, $"frame {index}: More should be {expected.More}");
            bool command = (actual.Flags & FrameFlags.Command) != 0;
            Assert.True(expected.Command == command, $"frame {index}: Command should be {expected.Command}");
        }
        finally
        {
            actual.Dispose();
        }
    }
}
