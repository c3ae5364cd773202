using System.Buffers.Binary;
using Zera.Core;

namespace Zera.Tests.Support;

/// <summary>Frames that carry a number, so tests can check order and loss.</summary>
internal static class Frames
{
    public static Frame Of(int value)
    {
        var f = Frame.Allocate(4);
        BinaryPrimitives.WriteInt32LittleEndian(f.Span, value);
        return f;
    }

    /// <summary>Reads the number and releases the frame.</summary>
    public static int Take(ref Frame frame)
    {
        Assert.Equal(4, frame.Length);
        int value = BinaryPrimitives.ReadInt32LittleEndian(frame.Span);
        frame.Dispose();
        return value;
    }

    public static void Write(Pipe pipe, int value, bool more = false)
    {
        var f = Of(value);
        pipe.Write(ref f, more);
        Assert.True(f.IsEmpty, "Write must take the frame");
    }

    /// <summary>Writes a message of the given numbers (all but the last with MORE).</summary>
    public static void WriteMessage(Pipe pipe, params int[] values)
    {
        for (int i = 0; i < values.Length; i++) Write(pipe, values[i], more: i < values.Length - 1);
    }

    /// <summary>Reads one frame, which must be there, and returns its number and More flag.</summary>
    public static (int Value, bool More) Read(Pipe pipe)
    {
        Assert.True(pipe.TryRead(out var f), "a frame should be readable");
        bool more = f.More;
        return (Take(ref f), more);
    }

    /// <summary>Reads a whole message, which must be there.</summary>
    public static int[] ReadMessage(Pipe pipe)
    {
        var values = new List<int>();
        bool more;
        do
        {
            (int v, more) = Read(pipe);
            values.Add(v);
        } while (more);
        return [.. values];
    }
}
