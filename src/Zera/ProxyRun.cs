using System.Buffers.Binary;

namespace Zera;

/// <summary>
/// One running proxy: its poller, state and counters. <see cref="Step"/> does all the work that can be done now and
/// sets what the poller should wait for; the caller (blocking or async) waits between steps.
/// </summary>
internal sealed class ProxyRun : IDisposable
{
    private const int BurstSize = 1000;

    private readonly ZeraSocket _frontend;
    private readonly ZeraSocket _backend;
    private readonly ZeraSocket? _capture;
    private readonly ZeraSocket? _control;
    private readonly bool _forward;   // frontend -> backend
    private readonly bool _backward;  // backend -> frontend
    private ulong _frontIn, _frontInBytes, _frontOut, _frontOutBytes, _backIn, _backInBytes, _backOut, _backOutBytes;
    private bool _paused;
    private bool _terminated;

    public ProxyRun(ZeraSocket frontend, ZeraSocket backend, ZeraSocket? capture, ZeraSocket? control)
    {
        ArgumentNullException.ThrowIfNull(frontend);
        ArgumentNullException.ThrowIfNull(backend);
        if (capture != null && (capture == frontend || capture == backend))
            Guard.ThrowArgument(nameof(capture), "the capture socket must be a socket of its own");
        if (control != null && (control == frontend || control == backend || control == capture))
            Guard.ThrowArgument(nameof(control), "the control socket must be a socket of its own");
        if (capture != null && !capture.TypeCanSend)
            Guard.ThrowArgument(nameof(capture), $"a {capture.Type} socket cannot send, so it cannot capture");
        _frontend = frontend;
        _backend = backend;
        _capture = capture;
        _control = control;
        _forward = frontend.TypeCanReceive && backend.TypeCanSend;
        _backward = frontend != backend && backend.TypeCanReceive && frontend.TypeCanSend;
        if (!_forward && !_backward)
            Guard.ThrowArgument(nameof(backend), $"nothing can flow between a {frontend.Type} frontend and a {backend.Type} backend");
        // Between bursts the proxy's thread sleeps at once: spinning there cost about a tenth of its rate.
        Poller.SpinsBeforeSleeping = false;
        Poller.Add(frontend, PollEvents.None);
        if (backend != frontend) Poller.Add(backend, PollEvents.None);
        if (control != null) Poller.Add(control, PollEvents.In);
    }

    public Poller Poller { get; } = new();

    public PollResult[] Ready { get; } = new PollResult[4];

    public ProxyStatistics Statistics => new(_frontIn, _frontInBytes, _frontOut, _frontOutBytes, _backIn, _backInBytes, _backOut, _backOutBytes);

    /// <summary>Handles control commands and forwards what can go now; then sets the poller's interests for what
    /// would let it go on. False once terminated.</summary>
    public bool Step()
    {
        while (_control != null && !_terminated && _control.HasIn) HandleControl(_control);
        if (_terminated) return false;
        var front = PollEvents.None;
        var back = PollEvents.None;
        if (!_paused)
        {
            if (_forward)
            {
                if (Forward(_frontend, _backend, ref _frontIn, ref _frontInBytes, ref _backOut, ref _backOutBytes))
                    front |= PollEvents.In;   // the backend has room: wait for the next message
                else back |= PollEvents.Out;  // wait for room first, and leave the frontend's messages queued
            }
            if (_backward)
            {
                if (Forward(_backend, _frontend, ref _backIn, ref _backInBytes, ref _frontOut, ref _frontOutBytes))
                    back |= PollEvents.In;
                else front |= PollEvents.Out;
            }
        }
        if (_frontend == _backend) front |= back;
        Poller.Modify(_frontend, front);
        if (_backend != _frontend) Poller.Modify(_backend, back);
        return true;
    }

    /// <summary>Moves up to a burst of whole messages. False when it stopped because <paramref name="to"/> is full
    /// (true when <paramref name="from"/> ran dry or the burst ended; a full burst asks to be called again at once
    /// by leaving the source readable).</summary>
    private bool Forward(ZeraSocket from, ZeraSocket to, ref ulong inFrames, ref ulong inBytes, ref ulong outFrames, ref ulong outBytes)
    {
        // Each socket is entered once for the whole burst (one socket may be both ends). A mark of 0 means "not
        // entered" (a real mark never is 0).
        var marks = new BurstMarks { From = from.EnterBurst() };
        try
        {
            if (to != from) marks.To = to.EnterBurst();
            for (int i = 0; i < BurstSize; i++)
            {
                if (!to.HasOutInBurst) return false;
                if (!from.TryReceiveInBurst(out var frame)) return true;
                while (true)
                {
                    bool more = frame.More;
                    ulong size = (ulong)frame.Length;
                    inFrames++;
                    inBytes += size;
                    if (_capture != null)
                    {
                        var copy = frame.Share();
                        _capture.Send(ref copy, more);
                    }
                    // HasOut said the first frame fits, and a message's later frames follow it; should the socket
                    // still refuse, the frame goes by the blocking send, outside the burst.
                    if (!to.TrySendInBurst(ref frame, more)) SendOutsideBurst(from, to, ref frame, more, ref marks);
                    outFrames++;
                    outBytes += size;
                    // Messages arrive whole, so the rest of this one is already there.
                    if (!more || !from.TryReceiveInBurst(out frame)) break;
                }
            }
            return true;
        }
        finally
        {
            if (marks.To != 0) to.ExitBurst(marks.To);
            if (marks.From != 0) from.ExitBurst(marks.From);
        }
    }

    private static void SendOutsideBurst(ZeraSocket from, ZeraSocket to, ref Frame frame, bool more, ref BurstMarks marks)
    {
        ref int mark = ref to == from ? ref marks.From : ref marks.To;
        to.ExitBurst(mark);
        mark = 0;
        to.Send(ref frame, more);
        mark = to.EnterBurst();
    }

    private struct BurstMarks
    {
        public int From;
        public int To;
    }

    private void HandleControl(ZeraSocket control)
    {
        using (var command = control.Receive())
        {
            var text = command.Span;
            if (text.SequenceEqual("STATISTICS"u8))
            {
                DrainRest(control);
                ReplyStatistics(control);
                return;
            }
            if (text.SequenceEqual("PAUSE"u8)) _paused = true;
            else if (text.SequenceEqual("RESUME"u8)) _paused = false;
            else if (text.SequenceEqual("TERMINATE"u8)) _terminated = true;
            // Anything else is ignored, as libzmq does.
        }
        DrainRest(control);
        if (control.Type == SocketType.Rep) control.Send(ReadOnlySpan<byte>.Empty);
    }

    private static void DrainRest(ZeraSocket control)
    {
        while (control.ReceiveMore) control.Receive().Dispose();
    }

    private void ReplyStatistics(ZeraSocket control)
    {
        Span<ulong> values = [_frontIn, _frontInBytes, _frontOut, _frontOutBytes, _backIn, _backInBytes, _backOut, _backOutBytes];
        Span<byte> bytes = stackalloc byte[8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, values[i]);
            control.Send(bytes, more: i < values.Length - 1);
        }
    }

    public void Dispose() => Poller.Dispose();
}
