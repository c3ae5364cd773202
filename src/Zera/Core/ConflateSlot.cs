namespace Zera.Core;

/// <summary>
/// The queue of a conflating <see cref="Pipe"/> (ZMQ_CONFLATE): it holds at most one unread message, the latest
/// whole one; a newer message replaces it, and the replaced one is released on the writer's side. Three lists of
/// frames rotate (the writer's message being built, the latest complete one, the one being read), so after warm-up
/// it allocates nothing.
/// </summary>
/// <remarks>
/// <para>libzmq keeps a single frame here, so of a multipart message only one part survives and its documentation
/// calls multipart "not supported". Keeping the whole latest message is the same for single-frame messages, the
/// case libzmq supports, and gives a multipart message a meaning instead of a fragment.</para>
/// <para>One writer thread and one reader thread, as for the pipe. They meet only in a short lock, taken once per
/// message on each side: unlike an ordinary pipe, both sides here change the same slot.</para>
/// </remarks>
internal sealed class ConflateSlot
{
    private readonly Lock _lock = new();
    private List<Frame> _building = new(1); // writer-owned
    private List<Frame> _latest = new(1); // under _lock
    private List<Frame> _reading = new(1); // reader-owned
    private int _readIndex;
    private volatile bool _hasLatest; // changed under _lock; read without it for the approximate answers

    /// <summary>Writer: true while a message's first frames are written and its last is not.</summary>
    public bool MidMessage => _building.Count > 0;

    /// <summary>Writer: appends a frame (its More flag already set), taking ownership; the message's last frame makes
    /// it the latest, releasing the one it replaces if that was never read.</summary>
    public void Write(ref Frame frame)
    {
        bool last = !frame.More;
        _building.Add(frame);
        frame = default;
        if (!last) return;
        lock (_lock)
        {
            (_building, _latest) = (_latest, _building);
            _hasLatest = true;
        }
        Release(_building); // what was the latest, unread (empty when the reader had taken it)
    }

    /// <summary>Writer: drops the frames of an unfinished message.</summary>
    public void Rollback() => Release(_building);

    /// <summary>Reader: the next frame of the message being read, or of the latest one; false when there is none.</summary>
    public bool TryRead(out Frame frame)
    {
        if (_readIndex == _reading.Count && !TakeLatest())
        {
            frame = default;
            return false;
        }
        frame = _reading[_readIndex];
        _reading[_readIndex++] = default;
        return true;
    }

    /// <summary>Reader: true when a frame is waiting.</summary>
    public bool HasUnread => _readIndex < _reading.Count || _hasLatest;

    /// <summary>Messages waiting, 0 or 1 (approximate while the other side runs).</summary>
    public int Count => _hasLatest ? 1 : 0;

    private bool TakeLatest()
    {
        if (!_hasLatest) return false;
        _reading.Clear();
        _readIndex = 0;
        lock (_lock)
        {
            if (!_hasLatest) return false;
            (_reading, _latest) = (_latest, _reading);
            _hasLatest = false;
        }
        return true;
    }

    private static void Release(List<Frame> frames)
    {
        foreach (ref var f in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(frames)) f.Dispose();
        frames.Clear();
    }
}
