using Zera.Core;
using Zera.Tests.Support;

namespace Zera.Tests.Core;

/// <summary>The pipe as a queue: order, whole-message publication, rollback and the high-water mark.</summary>
public class PipeTests
{
    [Fact]
    public void KeepsFifoOrderAcrossManyChunks()
    {
        var pipe = new Pipe(0);
        for (int i = 0; i < 1000; i++) Frames.Write(pipe, i);
        Assert.Equal(1000, pipe.Count);
        for (int i = 0; i < 1000; i++) Assert.Equal((i, false), Frames.Read(pipe));
        Assert.False(pipe.TryRead(out _));
        Assert.Equal(0, pipe.Count);
    }

    [Fact]
    public void KeepsFifoOrderWhenReadsAndWritesInterleaveOverChunkBoundaries()
    {
        var pipe = new Pipe(0);
        var random = new Random(4242);
        int written = 0, read = 0;
        for (int round = 0; round < 200; round++)
        {
            int writes = random.Next(0, 400);
            for (int i = 0; i < writes; i++) Frames.Write(pipe, written++);
            int reads = random.Next(0, written - read + 1);
            for (int i = 0; i < reads; i++) Assert.Equal(read++, Frames.Read(pipe).Value);
        }
        while (read < written) Assert.Equal(read++, Frames.Read(pipe).Value);
        Assert.False(pipe.TryRead(out _));
        Assert.True(written > 128 * 20, "the test should cross many chunk boundaries");
    }

    [Fact]
    public void MultipartMessageIsInvisibleUntilItsLastFrame()
    {
        var pipe = new Pipe(0);
        Frames.Write(pipe, 1, more: true);
        Frames.Write(pipe, 2, more: true);
        Assert.False(pipe.HasData);
        Assert.False(pipe.TryRead(out _));
        Assert.Equal(0, pipe.Count);
        Assert.True(pipe.WriterMidMessage);

        Frames.Write(pipe, 3);
        Assert.False(pipe.WriterMidMessage);
        Assert.True(pipe.HasData);
        Assert.Equal(1, pipe.Count);
        Assert.Equal((1, true), Frames.Read(pipe));
        Assert.Equal((2, true), Frames.Read(pipe));
        Assert.Equal((3, false), Frames.Read(pipe));
        Assert.False(pipe.TryRead(out _));
    }

    [Fact]
    public void MultipartMessageMaySpanChunks()
    {
        var pipe = new Pipe(0);
        Frames.WriteMessage(pipe, 7);
        var big = Enumerable.Range(100, 300).ToArray();
        for (int i = 0; i < big.Length - 1; i++) Frames.Write(pipe, big[i], more: true);
        Assert.Equal(1, pipe.Count);
        Assert.Equal([7], Frames.ReadMessage(pipe)); // only the first message is visible meanwhile
        Assert.False(pipe.TryRead(out _));
        Frames.Write(pipe, big[^1]);
        Assert.Equal(big, Frames.ReadMessage(pipe));
        Assert.False(pipe.TryRead(out _));
    }

    [Fact]
    public void WriteSetsTheMoreFlagFromItsArgumentOnly()
    {
        var pipe = new Pipe(0);
        var f = new Frame(new byte[] { 1, 2, 3, 4 }, 0, 4, FrameFlags.More, null); // e.g. a frame just received
        pipe.Write(ref f, more: false);
        Assert.Equal(1, pipe.Count);
        Assert.True(pipe.TryRead(out var read));
        Assert.False(read.More);
    }

    [Fact]
    public void RollbackDiscardsTheUnfinishedMessage()
    {
        var pipe = new Pipe(0);
        Frames.WriteMessage(pipe, 1);
        Frames.Write(pipe, 2, more: true);
        Frames.Write(pipe, 3, more: true);
        pipe.Rollback();
        Assert.False(pipe.WriterMidMessage);
        Frames.WriteMessage(pipe, 4, 5);
        Assert.Equal([1], Frames.ReadMessage(pipe));
        Assert.Equal([4, 5], Frames.ReadMessage(pipe));
        Assert.False(pipe.TryRead(out _));
    }

    [Fact]
    public void RollbackAcrossAChunkBoundary()
    {
        var pipe = new Pipe(0);
        for (int i = 0; i < 100; i++) Frames.WriteMessage(pipe, i);
        for (int i = 0; i < 300; i++) Frames.Write(pipe, -1, more: true);
        pipe.Rollback();
        Frames.WriteMessage(pipe, 1000, 1001);
        for (int i = 0; i < 100; i++) Assert.Equal([i], Frames.ReadMessage(pipe));
        Assert.Equal([1000, 1001], Frames.ReadMessage(pipe));
        Assert.False(pipe.TryRead(out _));
    }

    [Fact]
    public void RollbackWithoutAnUnfinishedMessageChangesNothing()
    {
        var pipe = new Pipe(0);
        Frames.WriteMessage(pipe, 1, 2);
        pipe.Rollback();
        Assert.Equal(1, pipe.Count);
        Assert.Equal([1, 2], Frames.ReadMessage(pipe));
    }

    [Fact]
    public void CanWriteIsFalseAtTheHighWaterMarkAndTrueAfterARead()
    {
        var pipe = new Pipe(3);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(pipe.CanWrite());
            Frames.WriteMessage(pipe, i);
        }
        Assert.False(pipe.CanWrite());
        Assert.False(pipe.CanWrite()); // asking again does not change the answer
        Assert.Equal([0], Frames.ReadMessage(pipe));
        Assert.True(pipe.CanWrite());
    }

    [Fact]
    public void HighWaterMarkCountsMessagesNotFrames()
    {
        var pipe = new Pipe(2);
        Frames.WriteMessage(pipe, Enumerable.Range(0, 10).ToArray());
        Assert.True(pipe.CanWrite());
        Frames.WriteMessage(pipe, 10, 11, 12);
        Assert.False(pipe.CanWrite());
    }

    [Fact]
    public void PartOfAMessageReadDoesNotMakeRoom()
    {
        var pipe = new Pipe(1);
        Frames.WriteMessage(pipe, 1, 2, 3);
        Assert.False(pipe.CanWrite());
        Frames.Read(pipe);
        Frames.Read(pipe);
        Assert.False(pipe.CanWrite());
        Frames.Read(pipe);
        Assert.True(pipe.CanWrite());
    }

    [Fact]
    public void HighWaterMarkZeroIsUnlimited()
    {
        var pipe = new Pipe(0);
        for (int i = 0; i < 10_000; i++)
        {
            Assert.True(pipe.CanWrite());
            Frames.WriteMessage(pipe, i);
        }
        Assert.Equal(10_000, pipe.Count);
    }

    [Fact]
    public void RaisingTheHighWaterMarkMakesRoom()
    {
        var pipe = new Pipe(1);
        Frames.WriteMessage(pipe, 1);
        Assert.False(pipe.CanWrite());
        pipe.HighWaterMark = 2;
        Assert.True(pipe.CanWrite());
        pipe.HighWaterMark = 0;
        Assert.True(pipe.CanWrite());
    }
}
