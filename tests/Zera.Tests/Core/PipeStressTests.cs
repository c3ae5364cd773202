using Zera.Core;
using Zera.Tests.Support;

namespace Zera.Tests.Core;

/// <summary>The pipe between two real threads, each sleeping on a <see cref="Signal"/> woken only by the pipe's
/// callbacks: a lost wake-up shows as a timeout, a reordering or loss as a wrong number.</summary>
public class PipeStressTests
{
    private const int WakeTimeoutMs = 10_000;
    private static readonly TimeSpan s_joinTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The message plan both threads follow: mostly single frames, some of 2 and of 5.</summary>
    private static int PartsOf(int message) => message % 11 == 0 ? 5 : message % 3 == 0 ? 2 : 1;

    [Theory]
    [InlineData(16, 1_000_000)]
    [InlineData(1, 100_000)] // every message a hand-over: slower per frame, so fewer frames
    public void FramesArriveInOrderWithoutLoss(int hwm, int totalFrames)
    {
        var readable = new Signal();
        var writable = new Signal();
        var readerEvents = new CountingPipeEvents(onReadable: readable);
        var writerEvents = new CountingPipeEvents(onWritable: writable);
        var pipe = new Pipe(hwm) { ReaderEvents = readerEvents, WriterEvents = writerEvents };
        Exception? writerError = null, readerError = null;
        int framesRead = 0;

        var writer = new Thread(() =>
        {
            try
            {
                int seq = 0;
                for (int message = 0; seq < totalFrames; message++)
                {
                    int parts = Math.Min(PartsOf(message), totalFrames - seq);
                    while (!pipe.CanWrite())
                    {
                        if (!writable.Wait(WakeTimeoutMs))
                            throw new TimeoutException($"writer lost a wake-up before frame {seq} (pipe holds {pipe.Count} messages)");
                    }
                    for (int p = 0; p < parts; p++) Frames.Write(pipe, seq++, more: p < parts - 1);
                }
                pipe.CloseWriter();
            }
            catch (Exception e)
            {
                writerError = e;
                pipe.CloseWriter(); // let the reader finish rather than wait for its timeout
            }
        }) { IsBackground = true, Name = "pipe writer" };

        var reader = new Thread(() =>
        {
            try
            {
                int seq = 0, message = 0, part = 0;
                while (true)
                {
                    if (pipe.TryRead(out var frame))
                    {
                        bool more = frame.More;
                        int value = Frames.Take(ref frame);
                        if (value != seq) throw new InvalidOperationException($"expected frame {seq}, got {value}");
                        int parts = Math.Min(PartsOf(message), totalFrames - (seq - part));
                        bool expectMore = part < parts - 1;
                        if (more != expectMore) throw new InvalidOperationException($"frame {seq}: More is {more}, expected {expectMore}");
                        seq++;
                        if (more) part++;
                        else
                        {
                            part = 0;
                            message++;
                        }
                        continue;
                    }
                    if (pipe.IsFinished) break;
                    if (!readable.Wait(WakeTimeoutMs))
                        throw new TimeoutException($"reader lost a wake-up after frame {seq}");
                }
                framesRead = seq;
            }
            catch (Exception e)
            {
                readerError = e;
                pipe.CloseReader(); // let the writer finish rather than wait for its timeout
            }
        }) { IsBackground = true, Name = "pipe reader" };

        writer.Start();
        reader.Start();
        Assert.True(writer.Join(s_joinTimeout), "the writer thread did not finish");
        Assert.True(reader.Join(s_joinTimeout), "the reader thread did not finish");

        Assert.Null(writerError);
        Assert.Null(readerError);
        Assert.Equal(totalFrames, framesRead);
        Assert.True(pipe.IsFinished);
        Assert.True(readerEvents.Readable > 0, "the reader should have slept at least once");
        Assert.True(writerEvents.Writable > 0, "with so small a high-water mark the writer should have waited");
    }
}
