using Zera.Core;
using Zera.Tests.Support;

namespace Zera.Tests.Core;

/// <summary>The pipe's wake-ups (<see cref="IPipeEvents"/>) and its two ways of closing.</summary>
public class PipeEventsTests
{
    private static (Pipe Pipe, CountingPipeEvents Events) NewPipe(int hwm)
    {
        var events = new CountingPipeEvents();
        var pipe = new Pipe(hwm) { ReaderEvents = events, WriterEvents = events };
        return (pipe, events);
    }

    [Fact]
    public void OnReadableFiresOnlyWhenAnEmptyPipeGetsAMessage()
    {
        var (pipe, events) = NewPipe(0);
        Assert.False(pipe.TryRead(out _)); // the reader finds the pipe empty and will wait
        Frames.WriteMessage(pipe, 1);
        Assert.Equal(1, events.Readable);
        Frames.WriteMessage(pipe, 2);
        Frames.WriteMessage(pipe, 3, 4);
        Assert.Equal(1, events.Readable); // still non-empty: no further calls

        Frames.ReadMessage(pipe);
        Assert.Equal(1, events.Readable); // reading does not call the reader's own callback
        Frames.ReadMessage(pipe);
        Frames.ReadMessage(pipe);
        Assert.False(pipe.TryRead(out _)); // empty again
        Frames.WriteMessage(pipe, 5);
        Assert.Equal(2, events.Readable);
        Frames.WriteMessage(pipe, 6);
        Assert.Equal(2, events.Readable);
        Assert.Equal(0, events.Writable);
    }

    [Fact]
    public void AReadThatDefersArmingLeavesTheWriterNothingToWakeUntilAnArmedReadFails()
    {
        var (pipe, events) = NewPipe(0);
        Pipe.DeferArming = true;
        try
        {
            Assert.False(pipe.TryRead(out _)); // polling: empty, but not armed
        }
        finally
        {
            Pipe.DeferArming = false;
        }
        Frames.WriteMessage(pipe, 1);
        Assert.Equal(0, events.Readable); // the poller will look again by itself: no wake-up
        Assert.Equal((1, false), Frames.Read(pipe));

        Assert.False(pipe.TryRead(out _)); // an ordinary read that finds nothing arms the pipe
        Frames.WriteMessage(pipe, 2);
        Assert.Equal(1, events.Readable);
    }

    [Fact]
    public void OnReadableWaitsForTheLastFrameOfAMessage()
    {
        var (pipe, events) = NewPipe(0);
        Assert.False(pipe.TryRead(out _));
        Frames.Write(pipe, 1, more: true);
        Frames.Write(pipe, 2, more: true);
        Assert.Equal(0, events.Readable);
        Frames.Write(pipe, 3);
        Assert.Equal(1, events.Readable);
    }

    [Fact]
    public void RolledBackMessageDoesNotWakeTheReader()
    {
        var (pipe, events) = NewPipe(0);
        Assert.False(pipe.TryRead(out _));
        Frames.Write(pipe, 1, more: true);
        pipe.Rollback();
        Assert.Equal(0, events.Readable);
        Assert.False(pipe.TryRead(out _));
    }

    [Fact]
    public void OnWritableFiresWhenTheReaderMakesRoomForAWaitingWriter()
    {
        var (pipe, events) = NewPipe(2);
        Frames.WriteMessage(pipe, 1);
        Frames.WriteMessage(pipe, 2);
        Assert.False(pipe.CanWrite()); // the writer will wait
        Assert.Equal(0, events.Writable);
        Frames.ReadMessage(pipe);
        Assert.Equal(1, events.Writable);
        Frames.ReadMessage(pipe);
        Assert.Equal(1, events.Writable); // the writer was already told
        Assert.Equal(0, events.Readable);
    }

    [Fact]
    public void OnWritableWaitsForTheLastFrameOfAMessage()
    {
        var (pipe, events) = NewPipe(1);
        Frames.WriteMessage(pipe, 1, 2, 3);
        Assert.False(pipe.CanWrite());
        Frames.Read(pipe);
        Frames.Read(pipe);
        Assert.Equal(0, events.Writable);
        Frames.Read(pipe);
        Assert.Equal(1, events.Writable);
    }

    [Fact]
    public void OnWritableIsNotCalledWhenTheWriterNeverWaited()
    {
        var (pipe, events) = NewPipe(2);
        Frames.WriteMessage(pipe, 1);
        Frames.WriteMessage(pipe, 2);
        Frames.ReadMessage(pipe);
        Frames.ReadMessage(pipe);
        Assert.Equal(0, events.Writable);
    }

    [Fact]
    public void AfterCloseWriterTheReaderDrainsThenSeesTheEnd()
    {
        var (pipe, events) = NewPipe(0);
        Frames.WriteMessage(pipe, 1);
        Frames.WriteMessage(pipe, 2, 3);
        Frames.Write(pipe, 4, more: true); // unfinished: dropped by the close
        pipe.CloseWriter();
        Assert.True(pipe.IsWriterClosed);
        Assert.Equal(1, events.Readable); // told even though it was not waiting: the end is news
        Assert.False(pipe.IsFinished);

        Assert.Equal([1], Frames.ReadMessage(pipe));
        Assert.False(pipe.IsFinished);
        Assert.Equal([2, 3], Frames.ReadMessage(pipe));
        Assert.False(pipe.TryRead(out _));
        Assert.True(pipe.IsFinished);

        pipe.CloseWriter();
        Assert.Equal(1, events.Readable); // closing twice tells once
    }

    [Fact]
    public void CloseWriterOnAnEmptyPipeFinishesItAtOnce()
    {
        var (pipe, events) = NewPipe(0);
        Assert.False(pipe.IsFinished);
        pipe.CloseWriter();
        Assert.True(pipe.IsFinished);
        Assert.False(pipe.TryRead(out _));
        Assert.Equal(1, events.Readable);
    }

    [Fact]
    public void AfterCloseReaderWritesAreDropped()
    {
        var (pipe, events) = NewPipe(1);
        Frames.WriteMessage(pipe, 1);
        Assert.False(pipe.CanWrite());
        pipe.CloseReader();
        Assert.True(pipe.IsReaderClosed);
        Assert.True(events.Writable >= 1, "the writer must be told its reader went away");
        Assert.Equal(0, pipe.Count); // queued frames were released

        for (int i = 0; i < 10; i++)
        {
            Assert.True(pipe.CanWrite()); // a closed reader never blocks the writer
            var f = Frames.Of(i);
            pipe.Write(ref f, more: false);
            Assert.True(f.IsEmpty); // taken (and released)
        }
        Assert.Equal(0, pipe.Count);
        Assert.False(pipe.TryRead(out _));
    }

    [Fact]
    public void CloseReaderDuringAMessageDropsTheRestOfIt()
    {
        var (pipe, _) = NewPipe(0);
        Frames.Write(pipe, 1, more: true);
        pipe.CloseReader();
        Frames.Write(pipe, 2);
        Assert.Equal(0, pipe.Count);
        Assert.False(pipe.TryRead(out _));
    }
}
