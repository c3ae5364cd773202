using Zera.Core;

namespace Zera.Tests.Support;

/// <summary>Counts a pipe's transitions and optionally wakes a <see cref="Signal"/> on each.</summary>
internal sealed class CountingPipeEvents(Signal? onReadable = null, Signal? onWritable = null) : IPipeEvents
{
    private int _readable;
    private int _writable;

    public int Readable => Volatile.Read(ref _readable);

    public int Writable => Volatile.Read(ref _writable);

    public void OnReadable(Pipe pipe)
    {
        Interlocked.Increment(ref _readable);
        onReadable?.Set();
    }

    public void OnWritable(Pipe pipe)
    {
        Interlocked.Increment(ref _writable);
        onWritable?.Set();
    }
}
