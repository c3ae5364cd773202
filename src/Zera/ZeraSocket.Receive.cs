using System.Runtime.CompilerServices;

namespace Zera;

public sealed partial class ZeraSocket
{
    /// <summary>Receives one frame, which you then own (dispose it when done). Blocks until one arrives (up to
    /// <see cref="ReceiveTimeout"/>, then throws <see cref="ErrorKind.WouldBlock"/>). <see cref="Frame.More"/> and
    /// <see cref="ReceiveMore"/> say whether more frames of the message follow.</summary>
    public Frame Receive()
    {
        if (!ReceiveCore(out var frame, _options.ReceiveTimeout)) ZeraException.ThrowTimeout("receive");
        return frame;
    }

    /// <summary>Tries to receive without blocking; false when nothing is waiting.</summary>
    public bool TryReceive(out Frame frame) => ReceiveCore(out frame, 0);

    /// <summary>Tries to receive, waiting up to <paramref name="timeout"/>; false on timeout.</summary>
    public bool TryReceive(out Frame frame, TimeSpan timeout) => ReceiveCore(out frame, ToMs(timeout));

    /// <summary>Receives one frame as a new byte array (blocking, as <see cref="Receive"/>).</summary>
    public byte[] ReceiveBytes()
    {
        using var f = Receive();
        return f.ToArray();
    }

    /// <summary>Receives one frame as UTF-8 text (blocking, as <see cref="Receive"/>).</summary>
    public string ReceiveString()
    {
        using var f = Receive();
        return f.GetString();
    }

    /// <summary>Tries to receive one frame as UTF-8 text, waiting up to <paramref name="timeout"/>.</summary>
    public bool TryReceiveString(TimeSpan timeout, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? text)
    {
        if (!ReceiveCore(out var f, ToMs(timeout)))
        {
            text = null;
            return false;
        }
        text = f.GetString();
        f.Dispose();
        return true;
    }

    /// <summary>Receives a whole multipart message as byte arrays (blocking, as <see cref="Receive"/>).</summary>
    public List<byte[]> ReceiveMultipart()
    {
        // One call: the socket is entered once for the whole message, not once per frame.
        int mark = Enter();
        try
        {
            var parts = new List<byte[]>();
            do
            {
                if (!ReceiveEntered(out var f, _options.ReceiveTimeout)) ZeraException.ThrowTimeout("receive");
                parts.Add(f.ToArray());
                f.Dispose();
            } while (_receiveMore);
            return parts;
        }
        finally
        {
            Exit(mark);
        }
    }

    /// <summary>Tries to receive a whole multipart message, waiting up to <paramref name="timeout"/> for its first
    /// frame (the rest is already there: messages arrive whole).</summary>
    public bool TryReceiveMultipart(TimeSpan timeout, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out List<byte[]>? parts)
    {
        int timeoutMs = ToMs(timeout);
        int mark = Enter();
        try
        {
            if (!ReceiveEntered(out var f, timeoutMs))
            {
                parts = null;
                return false;
            }
            parts = [f.ToArray()];
            f.Dispose();
            while (_receiveMore)
            {
                if (!ReceiveEntered(out f, _options.ReceiveTimeout)) ZeraException.ThrowTimeout("receive");
                parts.Add(f.ToArray());
                f.Dispose();
            }
            return true;
        }
        finally
        {
            Exit(mark);
        }
    }

    /// <summary>Receives one frame asynchronously. Completes synchronously, without allocating, when a frame is
    /// already waiting. Cancellation throws <see cref="OperationCanceledException"/>; context termination throws
    /// <see cref="ErrorKind.Terminated"/>; disposing the socket ends it with <see cref="ObjectDisposedException"/>.
    /// One asynchronous receive may be pending beside one asynchronous send; any other call while it is pending
    /// throws <see cref="ErrorKind.InvalidState"/>.</summary>
    public ValueTask<Frame> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        int held = EnterAsync(ReceivePending);
        bool pending = false;
        Frame frame;
        try
        {
            _context.ThrowIfTerminated();
            ProcessPending();
            pending = !PollBeforeWaiting(out frame) && !TryReceiveNow(out frame);
        }
        finally
        {
            // Nothing yet: the call stays pending (its flag set before anyone else may run) until ReceiveSlowAsync ends.
            LeaveAsync(held, pending ? ReceivePending : 0);
        }
        return pending ? ReceiveSlowAsync(cancellationToken) : new ValueTask<Frame>(frame);
    }

    /// <summary>Receives a whole multipart message asynchronously, as byte arrays.</summary>
    public async ValueTask<List<byte[]>> ReceiveMultipartAsync(CancellationToken cancellationToken = default)
    {
        var parts = new List<byte[]>();
        do
        {
            using var f = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
            parts.Add(f.ToArray());
        } while (_receiveMore);
        return parts;
    }

    /// <summary>Receives messages until cancelled or the context terminates, each as its list of frames.</summary>
    public async IAsyncEnumerable<List<byte[]>> ReceiveAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (!cancellationToken.IsCancellationRequested)
            yield return await ReceiveMultipartAsync(cancellationToken).ConfigureAwait(false);
    }

    // Pooled builder: a receive that has to wait reuses its state machine instead of allocating one each time.
    // Entered with ReceivePending set; every way out clears it, in a step of its own (Resume), before the ValueTask
    // completes, so the caller's next ReceiveAsync finds it clear.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Frame> ReceiveSlowAsync(CancellationToken cancellationToken)
    {
        bool ended = false;
        try
        {
            while (true)
            {
                await _readSignal.WaitAsync(cancellationToken).ConfigureAwait(false);
                int word = Resume();
                bool received = false;
                Frame frame;
                try
                {
                    if ((word & ReceivePending) == 0) ThrowOverlapWhilePending();
                    _context.ThrowIfTerminated();
                    ThrowIfDisposed();
                    ProcessPending();
                    received = TryReceiveNow(out frame);
                    if (received) AfterWaiting();
                }
                catch
                {
                    ended = true; // the failure ends the call: leave below without the pending flag
                    throw;
                }
                finally
                {
                    ended |= received;
                    Leave(ended ? word & ~ReceivePending : word);
                }
                if (received) return frame;
            }
        }
        finally
        {
            if (!ended) Leave(Resume() & ~ReceivePending); // cancelled while waiting
        }
    }

    /// <summary>A blocking, timed or Try receive of one frame: enters the socket for the call.</summary>
    private bool ReceiveCore(out Frame frame, int timeoutMs)
    {
        int mark = Enter();
        try
        {
            return ReceiveEntered(out frame, timeoutMs);
        }
        finally
        {
            Exit(mark);
        }
    }

    /// <summary>Receives one frame within a call that has entered the socket.</summary>
    private bool ReceiveEntered(out Frame frame, int timeoutMs)
    {
        _context.ThrowIfTerminated();
        ProcessPending();
        if (timeoutMs != 0 && PollBeforeWaiting(out frame)) return true;
        if (TryReceiveNow(out frame)) return true;
        if (timeoutMs == 0) return false;
        CheckBeforeWait();
        long deadline = timeoutMs < 0 ? long.MaxValue : Environment.TickCount64 + timeoutMs;
        while (true)
        {
            int left = timeoutMs < 0 ? -1 : (int)Math.Max(0, deadline - Environment.TickCount64);
            if (timeoutMs >= 0 && left == 0) return false;
            _readSignal.Wait(left);
            _context.ThrowIfTerminated();
            ThrowIfDisposed(); // disposed from another thread, which woke this call and waits for it to leave
            CheckAfterWait();
            ProcessPending();
            if (TryReceiveNow(out frame))
            {
                AfterWaiting();
                return true;
            }
        }
    }

    private bool TryReceiveNow(out Frame frame)
    {
        if (!_pattern.CanReceive)
            throw new ZeraException(ErrorKind.InvalidState, $"a {Protocol.SocketTypes.Name(Type)} socket cannot receive: the type only sends");
        if (TakePeeked(out frame))
        {
            _lastPeer = _peekedPeer;
        }
        else
        {
            if (!_pattern.TryReceive(out frame)) return false;
            _lastPeer = _pattern.LastPeer;
        }
        _receiveMore = frame.More;
        _metrics.BytesReceived += frame.Length;
        if (!frame.More) _metrics.MessagesReceived++;
        return true;
    }

    // The peer of the last frame handed out, and of the frame a readiness check read ahead.
    private Core.Link? _lastPeer;
    private Core.Link? _peekedPeer;

    /// <summary>The metadata properties of the message whose frame was received last (zmq_msg_gets): the sending
    /// peer's Socket-Type, Identity, User-Id, Peer-Address and ZAP metadata (see <see cref="MessageProperties"/>).
    /// <see cref="MessageProperties.Empty"/> over inproc and before the first receive. Read it after a receive and
    /// before the next; a peer that reconnected since gives its new connection's properties. Allocates a small
    /// wrapper per call; receiving costs nothing more for it.</summary>
    public MessageProperties LastMessageProperties =>
        _lastPeer?.Metadata is { } metadata ? new MessageProperties(metadata) : MessageProperties.Empty;
}
