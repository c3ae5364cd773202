using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Zera;

public sealed partial class ZeraSocket
{
    /// <summary>For asynchronous sends held at the high-water mark: whether to poll for room before waiting.</summary>
    private Core.SendPoll _sendPoll;

    /// <summary>Sends one frame, taking ownership of it (your variable is reset to empty). Blocks while the message
    /// cannot be queued (up to <see cref="SendTimeout"/>, then throws <see cref="ErrorKind.WouldBlock"/>).
    /// Set <paramref name="more"/> on every frame of a multipart message but the last.</summary>
    public void Send(ref Frame frame, bool more = false)
    {
        if (!SendCore(ref frame, more, _options.SendTimeout)) ZeraException.ThrowTimeout("send");
    }

    /// <summary>Sends a copy of <paramref name="data"/> as one frame; blocks as <see cref="Send(ref Frame, bool)"/>.</summary>
    public void Send(ReadOnlySpan<byte> data, bool more = false)
    {
        if (!SendCopy(Frame.CopyOf(data), more, _options.SendTimeout)) ZeraException.ThrowTimeout("send");
    }

    /// <summary>Sends <paramref name="text"/> as one UTF-8 frame; blocks as <see cref="Send(ref Frame, bool)"/>.</summary>
    public void Send(string text, bool more = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!SendCopy(Frame.FromString(text), more, _options.SendTimeout)) ZeraException.ThrowTimeout("send");
    }

    /// <summary>Sends every element of <paramref name="frames"/> as one multipart message (at least one frame).</summary>
    public void SendMultipart(IEnumerable<byte[]> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        // One call: the socket is entered once for the whole message, not once per frame.
        int mark = Enter();
        try
        {
            using var e = frames.GetEnumerator();
            if (!e.MoveNext()) Guard.ThrowArgument(nameof(frames), "a message needs at least one frame");
            var current = e.Current;
            while (true)
            {
                bool more = e.MoveNext();
                var frame = Frame.CopyOf(current);
                if (!SendEntered(ref frame, more, _options.SendTimeout))
                {
                    frame.Dispose();
                    ZeraException.ThrowTimeout("send");
                }
                if (!more) break;
                current = e.Current;
            }
        }
        finally
        {
            Exit(mark);
        }
    }

    /// <summary>Sends the strings as one multipart message of UTF-8 frames.</summary>
    public void SendMultipart(params string[] frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        SendMultipart(frames.Select(Encoding.UTF8.GetBytes));
    }

    /// <summary>Tries to send without blocking; false (frame still yours) when it would block.</summary>
    public bool TrySend(ref Frame frame, bool more = false) => SendCore(ref frame, more, 0);

    /// <summary>Tries to send, waiting up to <paramref name="timeout"/>; false (frame still yours) on timeout.</summary>
    public bool TrySend(ref Frame frame, TimeSpan timeout, bool more = false) => SendCore(ref frame, more, ToMs(timeout));

    /// <summary>Tries to send a copy of <paramref name="data"/> without blocking; false when it would block.</summary>
    public bool TrySend(ReadOnlySpan<byte> data, bool more = false) => TrySend(data, TimeSpan.Zero, more);

    /// <summary>Tries to send a copy of <paramref name="data"/>, waiting up to <paramref name="timeout"/>.</summary>
    public bool TrySend(ReadOnlySpan<byte> data, TimeSpan timeout, bool more = false) =>
        SendCopy(Frame.CopyOf(data), more, ToMs(timeout));

    /// <summary>Tries to send <paramref name="text"/> as UTF-8, waiting up to <paramref name="timeout"/>.</summary>
    public bool TrySend(string text, TimeSpan timeout, bool more = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SendCopy(Frame.FromString(text), more, ToMs(timeout));
    }

    /// <summary>Sends one frame asynchronously, taking ownership of it. Completes synchronously, without allocating,
    /// when the message can be queued at once. At the high-water mark, while room has lately come back within 200 µs,
    /// it first looks for room for up to 200 µs on the calling thread (cheaper than a thread-pool hand-off), then
    /// completes asynchronously. Cancelling leaves the frame unsent (and disposed). One asynchronous
    /// send may be pending beside one asynchronous receive; any other call while it is pending throws
    /// <see cref="ErrorKind.InvalidState"/>.</summary>
    public ValueTask SendAsync(Frame frame, bool more = false, CancellationToken cancellationToken = default)
    {
        int held = EnterAsync(SendPending);
        bool pending = false;
        try
        {
            _context.ThrowIfTerminated();
            ProcessPending();
            pending = !TrySendNow(ref frame, more);
        }
        finally
        {
            // Not sent: the call stays pending (its flag set before anyone else may run) until SendSlowAsync ends.
            LeaveAsync(held, pending ? SendPending : 0);
        }
        return pending ? SendSlowAsync(frame, more, cancellationToken) : default;
    }

    /// <summary>Sends a copy of <paramref name="data"/> asynchronously.</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> data, bool more = false, CancellationToken cancellationToken = default) =>
        SendAsync(Frame.CopyOf(data.Span), more, cancellationToken);

    /// <summary>Sends <paramref name="text"/> as UTF-8 asynchronously.</summary>
    public ValueTask SendAsync(string text, bool more = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SendAsync(Frame.FromString(text), more, cancellationToken);
    }

    // Pooled builder: a send that has to wait reuses its state machine instead of allocating one each time. While
    // room comes back quickly it polls for it before it waits on the thread pool (Core.SendPoll says why).
    // Entered with SendPending set; every way out clears it, in a step of its own (Resume), before the ValueTask
    // completes, so the caller's next SendAsync finds it clear.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendSlowAsync(Frame frame, bool more, CancellationToken cancellationToken)
    {
        bool ended = false;
        try
        {
            while (!ended)
            {
                long started = Stopwatch.GetTimestamp();
                if (!s_poll || !_writeSignal.Poll(_sendPoll.Until(started)))
                    await _writeSignal.WaitAsync(cancellationToken).ConfigureAwait(false);
                _sendPoll.Waited(started, Stopwatch.GetTimestamp());
                int word = Resume();
                bool sent = false;
                try
                {
                    if ((word & SendPending) == 0) ThrowOverlapWhilePending();
                    _context.ThrowIfTerminated();
                    ThrowIfDisposed();
                    ProcessPending();
                    sent = TrySendNow(ref frame, more);
                }
                catch
                {
                    ended = true; // the failure ends the call: leave below without the pending flag
                    throw;
                }
                finally
                {
                    ended |= sent;
                    Leave(ended ? word & ~SendPending : word);
                }
            }
        }
        finally
        {
            if (!ended) Leave(Resume() & ~SendPending); // cancelled while waiting
            frame.Dispose(); // no-op when sent (the frame was reset)
        }
    }

    /// <summary>A blocking, timed or Try send of one frame: enters the socket for the call.</summary>
    private bool SendCore(ref Frame frame, bool more, int timeoutMs)
    {
        int mark = Enter();
        try
        {
            return SendEntered(ref frame, more, timeoutMs);
        }
        finally
        {
            Exit(mark);
        }
    }

    /// <summary>Sends one frame within a call that has entered the socket.</summary>
    private bool SendEntered(ref Frame frame, bool more, int timeoutMs)
    {
        _context.ThrowIfTerminated();
        ProcessPending();
        if (TrySendNow(ref frame, more)) return true;
        if (timeoutMs == 0)
        {
            _metrics.Refused++;
            return false;
        }
        CheckBeforeWait();
        long deadline = timeoutMs < 0 ? long.MaxValue : Environment.TickCount64 + timeoutMs;
        while (true)
        {
            int left = timeoutMs < 0 ? -1 : (int)Math.Max(0, deadline - Environment.TickCount64);
            if (timeoutMs >= 0 && left == 0) return false;
            // No spin: the pipe is at its mark and wakes its writer only when the reader has drained half of it, and a
            // sender that spins (yielding) meanwhile takes a core from the readers on both sides. Sleeping at once
            // moved tcp 1 KiB about 1.9x, ipc 1 B to 64 KiB 1.07-1.26x as many messages on two cores, and tcp 128 B
            // about 0.8x (bench/RESULTS.md).
            _writeSignal.Wait(left, spin: false);
            _context.ThrowIfTerminated();
            ThrowIfDisposed(); // disposed from another thread, which woke this call and waits for it to leave
            CheckAfterWait();
            ProcessPending();
            if (TrySendNow(ref frame, more)) return true;
        }
    }

    /// <summary>Sends a frame the socket made itself (a copy of the caller's data); drops it when not sent.</summary>
    private bool SendCopy(Frame frame, bool more, int timeoutMs)
    {
        if (SendCore(ref frame, more, timeoutMs)) return true;
        frame.Dispose();
        return false;
    }

    private bool TrySendNow(ref Frame frame, bool more)
    {
        if (!_pattern.CanSend)
            throw new ZeraException(ErrorKind.InvalidState, $"a {Protocol.SocketTypes.Name(Type)} socket cannot send: the type only receives");
        int length = frame.Length;
        if (!_pattern.TrySend(ref frame, more)) return false;
        _metrics.BytesSent += length;
        if (!more) _metrics.MessagesSent++;
        return true;
    }

    private static int ToMs(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan) return -1;
        if (timeout < TimeSpan.Zero) Guard.ThrowOutOfRange(nameof(timeout), timeout, "must be zero, positive or infinite");
        return (int)Math.Min(int.MaxValue, Math.Ceiling(timeout.TotalMilliseconds));
    }
}
