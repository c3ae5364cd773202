namespace Zera.IntegrationTests.Interop;

/// <summary>
/// A stream of numbered two-frame messages, made the same way by the Python peer: frame 1 is the number as 8 ASCII
/// digits, frame 2 is <c>size</c> bytes derived from it. Checking that message i is exactly the i-th catches loss,
/// duplication, reordering and corruption in a long run under flow control.
/// </summary>
internal static class SequenceStream
{
    /// <summary>The frames of message <paramref name="i"/>.</summary>
    public static byte[][] Message(int i, int size) => [System.Text.Encoding.ASCII.GetBytes(i.ToString("D8")), Payload(i, size)];

    /// <summary>Sends messages 0 to count-1 from <paramref name="socket"/> (blocking up to its send timeout each).</summary>
    public static void Send(ZeraSocket socket, int count, int size)
    {
        for (int i = 0; i < count; i++) socket.SendMultipart(Message(i, size));
    }

    /// <summary>Receives <paramref name="count"/> messages and returns null when each was the next one, intact, or
    /// a description of the first that was not (or did not come within <paramref name="timeout"/>).</summary>
    public static string? Check(ZeraSocket socket, int count, int size, TimeSpan timeout)
    {
        for (int i = 0; i < count; i++)
        {
            if (!socket.TryReceiveMultipart(timeout, out var parts)) return $"message {i} of {count} did not arrive";
            var expected = Message(i, size);
            if (parts.Count != 2 || !parts[0].AsSpan().SequenceEqual(expected[0]) || !parts[1].AsSpan().SequenceEqual(expected[1]))
                return $"message {i} is wrong: {TestFrame.Describe(parts)}";
        }
        return null;
    }

    private static byte[] Payload(int i, int size)
    {
        var block = new byte[Math.Min(size, 16)];
        for (int k = 0; k < block.Length; k++) block[k] = (byte)((i * 7 + k) & 0xFF);
        var data = new byte[size];
        for (int at = 0; at + 16 <= size; at += 16) block.CopyTo(data, at);
        return data;
    }
}
