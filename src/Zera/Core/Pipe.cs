using System.Runtime.InteropServices;

namespace Zera.Core;

/// <summary>Receives a pipe's transitions; implemented by sockets and connections.</summary>
internal interface IPipeEvents
{
    /// <summary>The pipe turned from empty to holding a message, or its writer closed. Called on the writer's thread.</summary>
    void OnReadable(Pipe pipe);

    /// <summary>The pipe dropped below its high-water mark, or its reader closed. Called on the reader's thread.</summary>
    void OnWritable(Pipe pipe);
}

/// <summary>Implemented by a pipe reader that can take a just-written message at once, on the writer's thread, when
/// that is cheaper than waking the reader (an idle reader, for messages that are answered one at a time).</summary>
internal interface IEagerReader
{
    /// <summary>Publishes <paramref name="pipe"/> (see <see cref="Pipe.Flush"/>) and, when the reader is idle, takes
    /// what it holds right away without waking the reader's own loop. Returns false, having done nothing, when that is
    /// not possible now; the caller then flushes the pipe as usual.</summary>
    bool TryTakeNow(Pipe pipe);
}

/// <summary>
/// A bounded single-producer/single-consumer queue of frames in one direction between a socket and a peer
/// (libzmq's ypipe idea). The writer publishes whole messages only, so the reader never sees part of a multipart
/// message; the high-water mark counts whole messages. Neither side takes a lock: the other side is told only on the
/// empty-to-non-empty and full-to-not-full transitions, through its <see cref="IPipeEvents"/>.
/// </summary>
/// <remarks>Exactly one thread at a time may use the writer side and one the reader side. A conflating pipe
/// (ZMQ_CONFLATE) keeps only the latest whole message in a <see cref="ConflateSlot"/> instead of the chunks, has no
/// high-water mark, and publishes each message as it completes.</remarks>
[StructLayout(LayoutKind.Explicit)]
internal sealed class Pipe
{
    private const int ChunkSize = 128;

    /// <summary>At most this many drained chunks are kept for reuse.</summary>
    private const int MaxFreeChunks = 64;

    private sealed class Chunk
    {
        public readonly Frame[] Items = new Frame[ChunkSize];
        public Chunk? Next;
    }

    // The fields are laid out by hand, 128 bytes apart by owner, so the writer's and the reader's per-message
    // stores never share a cache line (false sharing would cost a cross-core miss per message).

    // Writer-owned.
    [FieldOffset(0)] private Chunk _wChunk;
    [FieldOffset(8)] private Chunk _commitChunk;
    [FieldOffset(16)] private long _wSeq;
    [FieldOffset(24)] private long _msgsWritten;
    [FieldOffset(32)] private long _knownRead;
    [FieldOffset(40)] private int _wIndex;
    [FieldOffset(44)] private int _commitIndex;
    [FieldOffset(48)] private int _freeTail;
    [FieldOffset(56)] private long _wCommitted;
    [FieldOffset(64)] private long _wakeWriterAt; // written before the writer sleeps; read by the reader after

    // Published by the writer, read by the reader when it catches up.
    [FieldOffset(128)] private long _committed;

    // Reader-owned.
    [FieldOffset(256)] private Chunk _rChunk;
    [FieldOffset(264)] private long _rSeq;
    [FieldOffset(272)] private long _rLimit;
    [FieldOffset(280)] private long _rMsgs;
    [FieldOffset(288)] private int _rIndex;
    [FieldOffset(292)] private int _freeHead;
    [FieldOffset(296)] private long _bytesReadWhileWriterAsleep;

    // Published by the reader per message, read by the writer only near its high-water mark.
    [FieldOffset(384)] private long _msgsRead;

    // Rarely written.
    // Drained chunks kept for reuse (a ring the reader fills and the writer empties), sized to what a full pipe
    // holds, so a pipe in steady state allocates nothing.
    [FieldOffset(512)] private readonly Chunk?[] _free;
    [FieldOffset(520)] private IPipeEvents? _readerEvents;
    [FieldOffset(528)] private IPipeEvents? _writerEvents;
    [FieldOffset(536)] private int _readerAsleep;
    [FieldOffset(540)] private int _writerAsleep;
    [FieldOffset(544)] private int _writerClosed;
    [FieldOffset(548)] private int _readerClosed;
    [FieldOffset(552)] private int _hwm;
    [FieldOffset(560)] private readonly ConflateSlot? _slot;

    /// <summary>A pipe holding up to <paramref name="highWaterMark"/> messages (0 = unlimited), or, with
    /// <paramref name="conflate"/>, only the latest one (the mark is then ignored, as libzmq does).</summary>
    public Pipe(int highWaterMark, bool conflate = false)
    {
        if (conflate)
        {
            _slot = new ConflateSlot();
            highWaterMark = 0; // never full: a newer message replaces the older instead of waiting
        }
        _hwm = highWaterMark;
        _free = new Chunk?[conflate ? 1 : highWaterMark == 0 ? MaxFreeChunks : Math.Clamp(2 * highWaterMark / ChunkSize + 2, 4, MaxFreeChunks)];
        _wChunk = _commitChunk = _rChunk = new Chunk();
    }

    /// <summary>True when the pipe keeps only its latest message (ZMQ_CONFLATE).</summary>
    public bool Conflates => _slot != null;

    /// <summary>Messages the pipe holds before the writer must wait; 0 = unlimited.</summary>
    public int HighWaterMark
    {
        get => Volatile.Read(ref _hwm);
        set
        {
            // inproc: raised once the binding side's marks are known; a conflating pipe has none.
            if (_slot == null) Volatile.Write(ref _hwm, value);
        }
    }


    /// <summary>Told when this pipe becomes readable; the reader side's owner.</summary>
    public IPipeEvents? ReaderEvents
    {
        get => Volatile.Read(ref _readerEvents);
        set => Volatile.Write(ref _readerEvents, value);
    }

    /// <summary>Told when this pipe becomes writable; the writer side's owner.</summary>
    public IPipeEvents? WriterEvents
    {
        get => Volatile.Read(ref _writerEvents);
        set => Volatile.Write(ref _writerEvents, value);
    }

    /// <summary>Whole messages queued and not yet read (approximate while the other side runs).</summary>
    public long Count => _slot?.Count ?? Volatile.Read(ref _msgsWritten) - Volatile.Read(ref _msgsRead);

    // ------------------------------------------------------------------ writer

    /// <summary>True when the reader has gone; writes are then discarded.</summary>
    public bool IsReaderClosed => Volatile.Read(ref _readerClosed) != 0;

    /// <summary>True once the writer closed the pipe.</summary>
    public bool IsWriterClosed => Volatile.Read(ref _writerClosed) != 0;

    /// <summary>How much room a sleeping writer waits for: half the mark, as libzmq's low-water mark. A reader that runs
    /// dry wakes it whatever the room.</summary>
    private static long LowWaterMark(int hwm) => (hwm + 1) / 2;

    /// <summary>Or this many bytes read since it slept, whichever comes first: a writer of large frames woken only at
    /// half the mark would then take hundreds of buffers in one burst (64 MB at 64 KiB and a mark of 1,000), more than
    /// the buffer pool keeps, and every one would be a fresh allocation; woken every 256 KiB it takes back the few the
    /// reader just released.</summary>
    private const long WakeWriterBytes = 256 * 1024;

    /// <summary>Checks the high-water mark before the first frame of a message. When full, returns false and arranges
    /// for <see cref="IPipeEvents.OnWritable"/> once the reader makes room.</summary>
    public bool CanWrite()
    {
        int hwm = HighWaterMark;
        if (hwm == 0 || _msgsWritten - _knownRead < hwm) return true;
        _knownRead = Volatile.Read(ref _msgsRead);
        if (_msgsWritten - _knownRead < hwm) return true;
        // Woken only once the reader has made room for a good part of the mark (libzmq's low-water mark), not at the
        // first message it takes: a fast writer and a slower reader would otherwise trade a wake-up per message.
        _wakeWriterAt = _msgsWritten - hwm + LowWaterMark(hwm);
        Interlocked.Exchange(ref _writerAsleep, 1);
        _knownRead = Volatile.Read(ref _msgsRead);
        if (_msgsWritten - _knownRead < hwm || IsReaderClosed)
        {
            Volatile.Write(ref _writerAsleep, 0);
            return true;
        }
        return false;
    }

    /// <summary>Appends a frame, taking ownership. The message becomes visible to the reader with its last frame
    /// (<paramref name="more"/> false).</summary>
    public void Write(ref Frame frame, bool more)
    {
        WriteUnflushed(ref frame, more);
        if (!more) Flush();
    }

    /// <summary>Appends a frame like <see cref="Write"/>, but completed messages become visible only at the next
    /// <see cref="Flush"/>: a connection writes everything one read decoded, then publishes it with one fenced store
    /// and at most one wake-up.</summary>
    public void WriteUnflushed(ref Frame frame, bool more)
    {
        // After the reader left, or after this writer closed (a disconnect mid-message), frames have nowhere to go.
        if (IsReaderClosed || _writerClosed != 0)
        {
            frame.Dispose();
            return;
        }
        frame.Flags = more ? frame.Flags | FrameFlags.More : frame.Flags & ~FrameFlags.More;
        if (_slot != null)
        {
            WriteConflated(ref frame, more);
            return;
        }
        if (_wIndex == ChunkSize)
        {
            var next = _wChunk.Next ?? TakeFreeChunk();
            next.Next = null;
            _wChunk.Next = next;
            _wChunk = next;
            _wIndex = 0;
        }
        _wChunk.Items[_wIndex++] = frame;
        _wSeq++;
        frame = default;
        if (!more)
        {
            _msgsWritten++;
            _commitChunk = _wChunk;
            _commitIndex = _wIndex;
            _wCommitted = _wSeq;
        }
    }

    /// <summary>A conflating pipe's write: the message is visible as soon as it is complete (it replaces the previous
    /// one, so there is no batch to publish later), and a sleeping reader is woken at once.</summary>
    private void WriteConflated(ref Frame frame, bool more)
    {
        _slot!.Write(ref frame);
        if (more) return;
        Interlocked.MemoryBarrier(); // the slot's lock only releases: fence before reading the reader's sleep flag
        if (Volatile.Read(ref _readerAsleep) != 0 && Interlocked.Exchange(ref _readerAsleep, 0) != 0)
            ReaderEvents?.OnReadable(this);
    }

    /// <summary>Makes every completed message visible to the reader, waking it if it sleeps.</summary>
    public void Flush()
    {
        if (_wCommitted == Volatile.Read(ref _committed)) return;
        Interlocked.Exchange(ref _committed, _wCommitted); // full fence: publish before reading the reader's sleep flag
        if (Volatile.Read(ref _readerAsleep) != 0 && Interlocked.Exchange(ref _readerAsleep, 0) != 0)
            ReaderEvents?.OnReadable(this);
    }

    private Chunk TakeFreeChunk()
    {
        int tail = _freeTail;
        if (tail == Volatile.Read(ref _freeHead)) return new Chunk();
        ref var slot = ref _free[tail % _free.Length];
        var chunk = slot!;
        slot = null;
        Volatile.Write(ref _freeTail, tail + 1);
        return chunk;
    }

    private void GiveFreeChunk(Chunk chunk)
    {
        int head = _freeHead;
        if (head - Volatile.Read(ref _freeTail) >= _free.Length) return; // enough spares: let the GC have it
        _free[head % _free.Length] = chunk;
        Volatile.Write(ref _freeHead, head + 1);
    }

    /// <summary>Discards the frames of an unfinished message.</summary>
    public void Rollback()
    {
        if (_slot != null)
        {
            _slot.Rollback();
            return;
        }
        var chunk = _commitChunk;
        int index = _commitIndex;
        for (long n = _wSeq - _wCommitted; n > 0; n--)
        {
            if (index == ChunkSize)
            {
                chunk = chunk.Next!;
                index = 0;
            }
            chunk.Items[index].Dispose();
            index++;
        }
        _wChunk = _commitChunk;
        _wIndex = _commitIndex;
        _wSeq = _wCommitted;
    }

    /// <summary>True when an unfinished message is being written.</summary>
    public bool WriterMidMessage => _slot?.MidMessage ?? _wSeq != _wCommitted;

    /// <summary>The writer is done: an unfinished message is dropped, and the reader sees the end after the rest.</summary>
    public void CloseWriter()
    {
        if (Volatile.Read(ref _writerClosed) != 0) return;
        Rollback();
        Flush();
        Volatile.Write(ref _writerClosed, 1);
        Interlocked.Exchange(ref _readerAsleep, 0);
        ReaderEvents?.OnReadable(this);
    }

    // ------------------------------------------------------------------ reader

    [ThreadStatic] private static bool t_deferArming;

    /// <summary>Set on a socket's thread while its receive polls briefly before it would wait (see
    /// <c>ZeraSocket.PollBeforeWaiting</c>): a read that finds nothing then leaves the pipe unarmed, so the writer's next
    /// commit does not pay for waking a reader that is not asleep. Without it, a reader as fast as its writer arms the
    /// pipe every few messages and both sides trade the flag and the wake-up between their cores each time (measured:
    /// inproc pub/sub 64 B at 4 M msgs/s instead of 7 M).</summary>
    internal static bool DeferArming
    {
        get => t_deferArming;
        set => t_deferArming = value;
    }

    /// <summary>Takes the next frame; false when none is committed (the reader is then told by
    /// <see cref="IPipeEvents.OnReadable"/> when one is, unless <see cref="DeferArming"/> is set). The frame's More flag
    /// says whether the message goes on.</summary>
    public bool TryRead(out Frame frame)
    {
        if (_rSeq == _rLimit)
        {
            // A conflating pipe never advances these counters, so it always arrives here, off the fast path.
            if (_slot != null) return TryReadConflated(out frame);
            if (!CheckReadable())
            {
                frame = default;
                return false;
            }
        }
        if (_rIndex == ChunkSize)
        {
            var old = _rChunk;
            _rChunk = old.Next!;
            _rIndex = 0;
            old.Next = null;
            GiveFreeChunk(old);
        }
        ref var slot = ref _rChunk.Items[_rIndex++];
        frame = slot;
        slot = default;
        _rSeq++;
        if (Volatile.Read(ref _writerAsleep) != 0) _bytesReadWhileWriterAsleep += frame.Size;
        if ((frame.Flags & FrameFlags.More) == 0)
        {
            // A plain store to the reader's own cache line; the writer reads it only near its mark. The fenced
            // hand-over happens only for a writer that went to sleep, or when the pipe runs dry.
            Volatile.Write(ref _msgsRead, ++_rMsgs);
            if (Volatile.Read(ref _writerAsleep) != 0
                && (_rMsgs >= Volatile.Read(ref _wakeWriterAt) || _bytesReadWhileWriterAsleep >= WakeWriterBytes))
                PublishReadProgress();
        }
        return true;
    }

    /// <summary>True when a committed frame is waiting; when none is, arms <see cref="IPipeEvents.OnReadable"/> for
    /// the next one, exactly as a failed <see cref="TryRead"/> does, without taking anything. Reader side only.</summary>
    public bool CheckReadable()
    {
        if (_slot != null) return CheckConflated();
        if (_rSeq != _rLimit) return true;
        _rLimit = Volatile.Read(ref _committed);
        if (_rSeq != _rLimit) return true;
        if (t_deferArming) return false;
        PublishReadProgress();
        Interlocked.Exchange(ref _readerAsleep, 1);
        _rLimit = Volatile.Read(ref _committed);
        if (_rSeq == _rLimit) return false;
        Volatile.Write(ref _readerAsleep, 0);
        return true;
    }

    private bool TryReadConflated(out Frame frame)
    {
        if (_slot!.TryRead(out frame)) return true;
        Interlocked.Exchange(ref _readerAsleep, 1); // full fence, then look again: the writer checks the flag after writing
        if (!_slot.TryRead(out frame)) return false;
        Volatile.Write(ref _readerAsleep, 0);
        return true;
    }

    private bool CheckConflated()
    {
        if (_slot!.HasUnread) return true;
        Interlocked.Exchange(ref _readerAsleep, 1);
        if (!_slot.HasUnread) return false;
        Volatile.Write(ref _readerAsleep, 0);
        return true;
    }

    /// <summary>Publishes the read count with a full fence and wakes the writer if it sleeps at the high-water mark
    /// (Dekker-style: the writer sets its flag, fences, then re-reads the count).</summary>
    private void PublishReadProgress()
    {
        _bytesReadWhileWriterAsleep = 0;
        Interlocked.Exchange(ref _msgsRead, _rMsgs); // full fence: publish room before reading the writer's sleep flag
        if (Volatile.Read(ref _writerAsleep) != 0 && Interlocked.Exchange(ref _writerAsleep, 0) != 0)
            WriterEvents?.OnWritable(this);
    }

    /// <summary>True when a committed frame is waiting (does not arm the wake-up).</summary>
    public bool HasData => _slot?.HasUnread ?? (_rSeq != _rLimit || _rSeq != Volatile.Read(ref _committed));

    /// <summary>True when the writer closed and every committed frame was read.</summary>
    public bool IsFinished => Volatile.Read(ref _writerClosed) != 0 && (_slot == null ? _rSeq == Volatile.Read(ref _committed) : !_slot.HasUnread);

    /// <summary>The reader is done: queued frames are released and later writes are discarded.</summary>
    public void CloseReader()
    {
        Volatile.Write(ref _readerClosed, 1);
        while (TryRead(out var f)) f.Dispose();
        Interlocked.Exchange(ref _writerAsleep, 0);
        WriterEvents?.OnWritable(this);
    }
}
