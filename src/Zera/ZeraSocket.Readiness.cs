using Zera.Core;

namespace Zera;

public sealed partial class ZeraSocket
{
    // A readiness check has to read the next frame to know one is there (the patterns route as they read), so it
    // keeps that frame here and the next receive returns it first. Nothing is lost or reordered by looking.
    private Frame _peeked;
    private bool _hasPeeked;

    // Pollers waiting on this socket: each wake-up that could change readiness sets their signals too. Copy on write,
    // so the I/O threads read it without a lock; empty (one read) when nobody polls.
    private Signal[] _watchers = [];
    private readonly Lock _watchersLock = new();

    /// <summary>True when a receive would return a frame now, without blocking (ZMQ_EVENTS has ZMQ_POLLIN).</summary>
    /// <remarks>Same thread rule as every call on the socket. Level-triggered: stays true until the frame is read.</remarks>
    public bool HasIn
    {
        get
        {
            int mark = Enter();
            try { return CheckIn(); }
            finally { Exit(mark); }
        }
    }

    /// <summary>True when a send of a new message would not block now (ZMQ_EVENTS has ZMQ_POLLOUT): some peer has
    /// room, or the type never blocks (PUB, XPUB, ROUTER without <see cref="RouterMandatory"/>).</summary>
    /// <remarks>Same thread rule as every call on the socket.</remarks>
    public bool HasOut
    {
        get
        {
            int mark = Enter();
            try { return CheckOut(); }
            finally { Exit(mark); }
        }
    }

    /// <summary>ZMQ_EVENTS: <see cref="PollEvents.In"/> and/or <see cref="PollEvents.Out"/> as <see cref="HasIn"/>
    /// and <see cref="HasOut"/> say.</summary>
    /// <remarks>Same thread rule as every call on the socket.</remarks>
    public PollEvents Events
    {
        get
        {
            int mark = Enter();
            try { return (CheckIn() ? PollEvents.In : PollEvents.None) | (CheckOut() ? PollEvents.Out : PollEvents.None); }
            finally { Exit(mark); }
        }
    }

    /// <summary>The readiness the poller asks for: only the directions in <paramref name="wanted"/> are checked.</summary>
    internal PollEvents Check(PollEvents wanted)
    {
        int mark = Enter();
        try
        {
            var ready = PollEvents.None;
            if ((wanted & PollEvents.In) != 0 && CheckIn()) ready |= PollEvents.In;
            if ((wanted & PollEvents.Out) != 0 && CheckOut()) ready |= PollEvents.Out;
            return ready;
        }
        finally
        {
            Exit(mark);
        }
    }

    internal bool IsDisposed => _disposed;

    /// <summary>False for the types that never receive (PUSH, PUB).</summary>
    internal bool TypeCanReceive => _pattern.CanReceive;

    /// <summary>False for the types that never send (PULL, SUB).</summary>
    internal bool TypeCanSend => _pattern.CanSend;

    private bool CheckIn()
    {
        _context.ThrowIfTerminated();
        ProcessPending();
        if (_hasPeeked) return true;
        if (!_pattern.CanReceive || !_pattern.ReceiveAllowed) return false;
        if (!_pattern.ReadinessByPeek) return _pattern.HasIn();
        // An empty pipe arms its wake-up as it is found empty, so a poller waiting after this hears of the next one.
        if (!_pattern.TryReceive(out _peeked)) return false;
        _peekedPeer = _pattern.LastPeer;
        _hasPeeked = true;
        return true;
    }

    private bool CheckOut()
    {
        _context.ThrowIfTerminated();
        ProcessPending();
        return _pattern.CanSend && _pattern.HasOut();
    }

    private bool TakePeeked(out Frame frame)
    {
        if (!_hasPeeked)
        {
            frame = default;
            return false;
        }
        frame = _peeked;
        _peeked = default;
        _hasPeeked = false;
        return true;
    }

    private void DropPeeked()
    {
        if (TakePeeked(out var frame)) frame.Dispose();
    }

    internal void AddWatcher(Signal signal)
    {
        lock (_watchersLock) _watchers = [.. _watchers, signal];
    }

    internal void RemoveWatcher(Signal signal)
    {
        lock (_watchersLock)
        {
            int i = Array.IndexOf(_watchers, signal);
            if (i < 0) return;
            var next = new Signal[_watchers.Length - 1];
            Array.Copy(_watchers, 0, next, 0, i);
            Array.Copy(_watchers, i + 1, next, i, next.Length - i);
            _watchers = next;
        }
    }

    private void WakeWatchers()
    {
        foreach (var w in Volatile.Read(ref _watchers)) w.Set();
    }
}
