using Zera.Core;
using Zera.Tests.Support;

namespace Zera.Tests.Core;

/// <summary>A conflating pipe (ZMQ_CONFLATE): only the latest whole message is kept, the high-water mark does not
/// apply, the reader is woken as for an ordinary pipe, and replaced messages are released.</summary>
public class ConflatingPipeTests
{
    private static (Pipe Pipe, CountingPipeEvents Events) NewPipe()
    {
        var events = new CountingPipeEvents();
        var pipe = new Pipe(5, conflate: true) { ReaderEvents = events, WriterEvents = events };
        return (pipe, events);
    }

    [Fact]
    public void KeepsOnlyTheLatestMessageAndIgnoresTheHighWaterMark()
    {
        var (pipe, _) = NewPipe();
        Assert.True(pipe.Conflates);
        Assert.Equal(0, pipe.HighWaterMark);
        pipe.HighWaterMark = 3; // as an inproc bind would: no effect
        Assert.Equal(0, pipe.HighWaterMark);
        for (int i = 0; i < 20; i++)
        {
            Assert.True(pipe.CanWrite());
            Frames.Write(pipe, i);
        }
        Assert.Equal(1, pipe.Count);
        Assert.True(pipe.HasData);
        Assert.Equal((19, false), Frames.Read(pipe));
        Assert.False(pipe.TryRead(out _));
        Assert.False(pipe.HasData);
        Assert.Equal(0, pipe.Count);
    }

    [Fact]
    public void KeepsTheLatestMultipartMessageWhole()
    {
        var (pipe, _) = NewPipe();
        Frames.WriteMessage(pipe, 1, 2, 3);
        Frames.WriteMessage(pipe, 4, 5);
        Frames.Write(pipe, 6, more: true); // unfinished: not visible, and does not replace [4, 5]
        Assert.True(pipe.WriterMidMessage);
        Assert.Equal([4, 5], Frames.ReadMessage(pipe));
        Assert.False(pipe.TryRead(out _));
        Frames.Write(pipe, 7);
        Assert.False(pipe.WriterMidMessage);
        Assert.Equal([6, 7], Frames.ReadMessage(pipe));
    }

    [Fact]
    public void AMessageBeingReadIsNotCutByANewerOne()
    {
        var (pipe, _) = NewPipe();
        Frames.WriteMessage(pipe, 1, 2);
        Assert.Equal((1, true), Frames.Read(pipe));
        Frames.WriteMessage(pipe, 3, 4);
        Frames.WriteMessage(pipe, 5, 6);
        Assert.Equal((2, false), Frames.Read(pipe)); // the rest of the message already taken
        Assert.Equal([5, 6], Frames.ReadMessage(pipe)); // then the latest
        Assert.False(pipe.TryRead(out _));
    }

    [Fact]
    public void RollbackDropsOnlyTheUnfinishedMessage()
    {
        var (pipe, events) = NewPipe();
        Frames.WriteMessage(pipe, 1);
        Frames.Write(pipe, 2, more: true);
        pipe.Rollback();
        Assert.False(pipe.WriterMidMessage);
        Assert.Equal([1], Frames.ReadMessage(pipe));
        Assert.Equal(0, events.Readable);
    }

    [Fact]
    public void WakesASleepingReaderOncePerSleep()
    {
        var (pipe, events) = NewPipe();
        Assert.False(pipe.TryRead(out _)); // the reader found it empty and will wait
        Frames.Write(pipe, 1, more: true);
        Assert.Equal(0, events.Readable); // not before the message is whole
        Frames.Write(pipe, 2);
        Assert.Equal(1, events.Readable);
        Frames.WriteMessage(pipe, 3);
        Assert.Equal(1, events.Readable); // the reader was already told
        Assert.Equal([3], Frames.ReadMessage(pipe));
        Assert.False(pipe.TryRead(out _));
        Frames.WriteMessage(pipe, 4);
        Assert.Equal(2, events.Readable);
        Assert.Equal(0, events.Writable); // never full, so the writer never waits
    }

    [Fact]
    public void ReplacedMessagesAreReleased()
    {
        var (pipe, _) = NewPipe();
        var probes = new List<ReleaseProbe>();
        for (int i = 0; i < 4; i++)
        {
            var probe = new ReleaseProbe();
            probes.Add(probe);
            var f = new Frame(new byte[4], 0, 4, FrameFlags.None, probe);
            pipe.Write(ref f, more: false);
        }
        Assert.Equal([true, true, true, false], probes.Select(p => p.Released));
        Assert.True(pipe.TryRead(out var last));
        last.Dispose();
        Assert.True(probes[3].Released);
    }

    [Fact]
    public void ClosingTheWriterLeavesTheLatestMessageToRead()
    {
        var (pipe, events) = NewPipe();
        Frames.WriteMessage(pipe, 1);
        Frames.WriteMessage(pipe, 2);
        Frames.Write(pipe, 3, more: true);
        pipe.CloseWriter();
        Assert.False(pipe.IsFinished); // [2] is still there
        Assert.Equal(1, events.Readable);
        Assert.Equal([2], Frames.ReadMessage(pipe));
        Assert.False(pipe.TryRead(out _));
        Assert.True(pipe.IsFinished);
    }

    [Fact]
    public void WritesAfterTheReaderClosedAreDiscarded()
    {
        var (pipe, _) = NewPipe();
        Frames.WriteMessage(pipe, 1);
        pipe.CloseReader();
        Assert.False(pipe.HasData);
        var probe = new ReleaseProbe();
        var f = new Frame(new byte[4], 0, 4, FrameFlags.None, probe);
        pipe.Write(ref f, more: false);
        Assert.True(probe.Released);
        Assert.Equal(0, pipe.Count);
    }

    /// <summary>A writer and a reader thread, the reader sleeping on a <see cref="Signal"/> woken only by the pipe:
    /// every message the reader sees is newer than the one before, whole, and the last one written always arrives
    /// (a lost wake-up shows as a timeout).</summary>
    [Fact]
    public void BetweenThreadsTheReaderSeesNewerWholeMessagesAndAlwaysTheLast()
    {
        var readable = new Signal();
        var pipe = new Pipe(0, conflate: true) { ReaderEvents = new CountingPipeEvents(onReadable: readable) };
        const int messages = 200_000;
        Exception? readerError = null;
        int seen = 0;
        var reader = new Thread(() =>
        {
            try
            {
                int previous = -1;
                while (previous != messages - 1)
                {
                    if (!pipe.TryRead(out var first))
                    {
                        if (!readable.Wait(10_000)) throw new TimeoutException($"reader lost a wake-up after message {previous}");
                        continue;
                    }
                    int value = Frames.Take(ref first);
                    Assert.True(pipe.TryRead(out var second), "the second frame of a message must follow its first");
                    Assert.Equal(value, Frames.Take(ref second));
                    Assert.True(value > previous, $"message {value} after {previous}");
                    previous = value;
                    seen++;
                }
            }
            catch (Exception e)
            {
                readerError = e;
            }
        }) { IsBackground = true, Name = "conflate reader" };
        reader.Start();
        for (int i = 0; i < messages; i++) Frames.WriteMessage(pipe, i, i);
        Assert.True(reader.Join(TimeSpan.FromSeconds(60)), "the reader did not finish");
        Assert.Null(readerError);
        Assert.InRange(seen, 1, messages);
    }

    private sealed class ReleaseProbe : FrameOwner
    {
        public bool Released { get; private set; }

        public override void Release() => Released = true;

        public override void AddRefs(int count) { }
    }
}
