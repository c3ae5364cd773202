using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Zera.Core;
using Zera.Protocol;
using Zera.Protocol.Mechanisms;
using NetSocket = System.Net.Sockets.Socket;

namespace Zera.Transports;

/// <summary>
/// The transport driver of one tcp or ipc connection: it moves bytes between the OS socket and a sans-I/O
/// <see cref="ZmtpConnection"/>, which owns the protocol. A receive loop feeds the connection everything each read
/// brought and writes the message frames it yields into the link's inbound pipe; a send loop wakes when there is
/// something to send (the connection's commands, or the outbound pipe turned non-empty), packs all of it into one
/// buffer and writes it with one call; one timer serves the connection's deadlines. The driver also owns the close
/// sequence (ARCHITECTURE.md, "the close rule").
/// </summary>
/// <remarks>On Linux both loops run on Zera's I/O thread (<see cref="IoLoop"/>), elsewhere on the thread pool; nothing
/// here blocks a thread. The session owns the driver and may close it from any thread.</remarks>
internal sealed partial class StreamEngine
{
    private const int ReceiveBufferSize = 64 * 1024;
    private const int SendBufferSize = 64 * 1024;
    private const int DirectThreshold = 16 * 1024;
    private const int InlineBufferSize = 4096;

    /// <summary>How long a drained connection waits for the peer to close its end before closing ours: closing at
    /// once could leave the peer's last bytes unread in our receive buffer, and a close with unread data resets the
    /// connection.</summary>
    private const int DrainGraceMs = 2000;

    /// <summary>How long a refused peer's ERROR may take to leave before the connection closes.</summary>
    private static readonly TimeSpan RefusalFlushTimeout = TimeSpan.FromSeconds(1);

    // Fixed at construction.
    private readonly NetSocket _socket;
    private readonly Session _session;
    private readonly ZmtpConnection _zmtp;
    private readonly SocketOptions _options;
    private readonly IoRegistration? _io;          // the socket on Zera's I/O loop (null: .NET's asynchronous sockets)
    private readonly LoopSignal _sendSignal;         // set by anyone with something to send; awaited by the send loop
    private readonly LoopSignal _writableSignal;     // set when the inbound pipe has room; awaited by the receive loop
    private readonly Lock _timerLock = new();

    // Receive loop only (the link is published to the send side through _handshakeDone).
    private Link? _link;
    private bool _inMidMessage;

    // Written once by the receive loop: the handshake completed and _link is set.
    private volatile bool _handshakeDone;

    // The sending side: whoever holds _sendBusy (the send loop, or TryFlushInline on the application's thread).
    private int _sendBusy;
    private volatile bool _flushingInline;
    private bool _midMessageIsOurs;
    private byte[]? _carry;
    private int _carryLength;
    private byte[]? _inlineBuffer;

    // Closing: any thread.
    private int _closed;
    private volatile bool _stopping;
    private volatile bool _drained;
    private Timer? _drainTimer;

    // The one timer, under _timerLock: the connection's next deadline.
    private Timer? _timer;
    private long _armedFor = long.MaxValue;

    public StreamEngine(NetSocket socket, Session session, SocketOptions options, SocketType selfType)
    {
        _socket = socket;
        _session = session;
        _options = options;
        Fd = DescriptorOf(socket);
        var settings = new ZmtpSettings
        {
            SocketType = selfType,
            RoutingId = options.RoutingId,
            MaxMessageSize = options.MaxMessageSize,
            HandshakeInterval = options.HandshakeInterval,
            HeartbeatInterval = options.HeartbeatInterval,
            HeartbeatTimeout = options.HeartbeatTimeout,
            HeartbeatTtl = options.HeartbeatTtl,
        };
        _zmtp = new ZmtpConnection(settings, CreateMechanism(settings, options));
        _io = IoRegistration.Create(socket);
        _sendSignal = new LoopSignal(_io?.Loop);
        _writableSignal = new LoopSignal(_io?.Loop);
    }

    /// <summary>True once the peer's handshake was accepted.</summary>
    public bool HandshakeDone => _handshakeDone;

    /// <summary>How the connection ended (<see cref="ConnectionEnd.None"/> while it runs).</summary>
    public ConnectionEnd End => _zmtp.End;

    /// <summary>Why, in words, when there is more to say than <see cref="End"/>.</summary>
    public string? EndReason => _zmtp.EndReason;

    /// <summary>libzmq's number for the end (<see cref="ZmtpConnection.EndCode"/>): a protocol-error value, a ZAP
    /// status, or the errno of a broken connection; 0 when there is none.</summary>
    public int EndCode => _zmtp.EndCode;

    /// <summary>The OS socket's descriptor, as libzmq's monitor events report it (it stays the number the connection
    /// had after the socket is closed).</summary>
    public int Fd { get; }

    /// <summary>An OS socket's descriptor (the file descriptor on Unix, the SOCKET on Windows), as an event value.</summary>
    public static int DescriptorOf(NetSocket socket)
    {
        try
        {
            return unchecked((int)(long)socket.Handle);
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
    }

    public void WakeSend()
    {
        if (!_flushingInline) _sendSignal.Set();
    }

    public void WakeReceive() => _writableSignal.Set();

    // ------------------------------------------------------------------ receive loop

    /// <summary>Runs the connection to its end (peer gone, error, or a close from the session).</summary>
    public async Task RunAsync()
    {
        Task? sendLoop = null;
        var buffer = new ReceiveBuffer();
        LiveCounts.EngineStarted();
        try
        {
            _socket.Blocking = false; // synchronous sends (TryFlushInline) and the I/O loop's reads must never wait
            _zmtp.Start(Environment.TickCount64);
            ArmTimer();
            sendLoop = SendSideAsync(); // sends our greeting and handshake at once
            await ReceiveLoopAsync(buffer).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Whatever ended the receive loop ends this connection only: the session reports it and, on the
            // connecting side, reconnects. An exception no path expected is a defect, but still not the process's end.
            if (_stopping) _zmtp.Close(ConnectionEnd.Closed);
            else _zmtp.Close(ConnectionEnd.Broken, ReasonOf(e), ErrnoOf(e));
        }
        finally
        {
            await FinishAsync(sendLoop).ConfigureAwait(false);
            buffer.Release();
            LiveCounts.EngineEnded();
        }
    }

    /// <summary>
    /// The receive loop's buffers. A quiet connection reads into a small buffer of its own; a read that fills it
    /// means data is streaming in, and the next reads go into a large buffer rented from the pool, until one of them
    /// comes back partial (the socket ran dry) and the large buffer goes back. So thousands of idle peers hold 4 KB
    /// each rather than 64 KB, a stream still reads 64 KB at a time, and a request-reply exchange pays no extra
    /// system call (libzmq likewise keeps an 8 KB input buffer per connection).
    /// </summary>
    private sealed class ReceiveBuffer
    {
        private const int SmallSize = 4096;
        private readonly byte[] _small = new byte[SmallSize];
        private byte[]? _large;

        /// <summary>The buffer for the next read.</summary>
        public byte[] Next => _large ?? _small;

        /// <summary>After a read of <paramref name="n"/> bytes into <paramref name="buffer"/> (from <see cref="Next"/>).</summary>
        public void AfterRead(byte[] buffer, int n)
        {
            if (buffer == _small)
            {
                if (n == SmallSize) _large = BufferPool.Rent(ReceiveBufferSize);
            }
            else if (n < buffer.Length)
            {
                Release();
            }
        }

        public void Release()
        {
            if (_large is null) return;
            BufferPool.Return(_large);
            _large = null;
        }
    }

    private async Task ReceiveLoopAsync(ReceiveBuffer held)
    {
        while (!_stopping)
        {
            var direct = _zmtp.PayloadRemaining;
            if (direct.Length >= DirectThreshold)
            {
                // A large frame: receive straight into its own buffer, no copy.
                _options.Faults?.At(FaultSite.Receive);
                int got = await ReceiveSomeAsync(direct).ConfigureAwait(false);
                if (got == 0) break;
                var e = _zmtp.AdvancePayload(got, Environment.TickCount64, out var big);
                if (e != ZmtpEvent.NeedMore && !await HandleAsync(e, big).ConfigureAwait(false)) return;
                _link?.In.Flush();
                AfterInput();
                continue;
            }
            byte[] buffer = held.Next;
            _options.Faults?.At(FaultSite.Receive);
            int n = await ReceiveSomeAsync(buffer.AsMemory()).ConfigureAwait(false);
            if (n == 0) break;
            long now = Environment.TickCount64;
            int start = 0;
            while (true)
            {
                // Decode everything this read brought before reading again; short data frames, most of a stream of
                // small messages, take the fast path straight into the pipe.
                if (_zmtp.TryReadData(buffer.AsSpan(start, n - start), now, out int taken, out var data))
                {
                    start += taken;
                    // Delivered inline: awaiting DeliverAsync's completed ValueTask per frame measured ~10 % of tcp 64 B.
                    if (!TryDeliverNow(ref data) && !await DeliverSlowAsync(data).ConfigureAwait(false)) return;
                    continue;
                }
                var e = _zmtp.Read(buffer.AsSpan(start, n - start), now, out int consumed, out var frame);
                start += consumed;
                if (e == ZmtpEvent.NeedMore) break;
                if (!await HandleAsync(e, frame).ConfigureAwait(false)) return;
            }
            _link?.In.Flush(); // publish everything this read brought at once
            AfterInput();
            // A read that did not fill its buffer most likely emptied the socket: the connection may now be idle for
            // long, so it keeps no large buffer and no partly used slab while it waits.
            held.AfterRead(buffer, n);
            if (n < buffer.Length) _zmtp.ReleaseIdleMemory();
        }
        // After our drain the peer's end of stream answers our own close.
        _zmtp.Close(_stopping || _drained ? ConnectionEnd.Closed : ConnectionEnd.PeerClosed);
    }

    /// <summary>Why a connection broke, for the monitor: the OS's words for an I/O failure, and the exception's type too
    /// for anything else (a defect, which must still be visible).</summary>
    private static string ReasonOf(Exception e) =>
        e is SocketException or IOException or ObjectDisposedException or OperationCanceledException
            ? e.Message
            : $"internal error: {e.GetType().Name}: {e.Message}";

    /// <summary>The errno behind an I/O failure (0 when it has none).</summary>
    private static int ErrnoOf(Exception e) => e switch
    {
        SocketException s => s.NativeErrorCode,
        IOException { InnerException: SocketException s } => s.NativeErrorCode,
        _ => 0,
    };

    /// <summary>Acts on one event of the connection; false when the receive loop must end.</summary>
    private ValueTask<bool> HandleAsync(ZmtpEvent e, Frame frame)
    {
        switch (e)
        {
            case ZmtpEvent.Frame:
                return DeliverAsync(frame);
            case ZmtpEvent.ZapRequest:
                return AuthenticateAsync();
            case ZmtpEvent.HandshakeDone:
                _link = _session.OnHandshake(_zmtp.PeerType, _zmtp.PeerRoutingId, PeerMetadata());
                if (_link == null)
                {
                    _zmtp.Close(ConnectionEnd.Refused, "the socket refused the connection");
                    return new ValueTask<bool>(false);
                }
                _handshakeDone = true;
                _sendSignal.Set(); // messages may already be queued for this peer
                ArmTimer();
                return new ValueTask<bool>(true);
            default:
                return new ValueTask<bool>(false);
        }
    }

    /// <summary>After a batch of input: the connection may have queued commands (PONG) or moved a deadline.</summary>
    private void AfterInput()
    {
        if (_zmtp.HasOutput) _sendSignal.Set();
        if (_zmtp.NextDeadline < Volatile.Read(ref _armedFor)) ArmTimer();
    }

    /// <summary>Writes one message frame into the inbound pipe; waits while the pipe is at its high-water mark.
    /// Returns false when the connection stopped meanwhile.</summary>
    private ValueTask<bool> DeliverAsync(Frame frame) =>
        TryDeliverNow(ref frame) ? new ValueTask<bool>(true) : DeliverSlowAsync(frame);

    /// <summary>Writes the frame into the inbound pipe at once when it has room for a new message (or this one is under
    /// way); false, with the frame still the caller's, when the pipe is at its high-water mark.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private bool TryDeliverNow(ref Frame frame)
    {
        var pipe = _link!.In;
        if (!_inMidMessage && !pipe.CanWrite()) return false;
        _inMidMessage = frame.More;
        pipe.WriteUnflushed(ref frame, _inMidMessage);
        return true;
    }

    private async ValueTask<bool> DeliverSlowAsync(Frame frame)
    {
        var pipe = _link!.In;
        pipe.Flush(); // the reader must see what is queued before we wait for it to make room
        while (!pipe.CanWrite())
        {
            await _writableSignal.WaitAsync().ConfigureAwait(false);
            if (_stopping)
            {
                frame.Dispose();
                return false;
            }
        }
        _inMidMessage = frame.More;
        pipe.WriteUnflushed(ref frame, _inMidMessage);
        return true;
    }

    /// <summary>The receive loop is over: close as the way it ended says, wait for the send loop, release.</summary>
    private async Task FinishAsync(Task? sendLoop)
    {
        var end = _zmtp.End;
        if (end == ConnectionEnd.Refused && sendLoop != null && _zmtp.HasOutput)
        {
            // Tell the refused peer why (an ERROR command, RFC 23) before closing; best effort.
            _sendSignal.Set();
            try { await sendLoop.WaitAsync(RefusalFlushTimeout).ConfigureAwait(false); }
            catch (Exception) { /* it did not go out; the close below ends the connection anyway */ }
        }
        if (end is ConnectionEnd.PeerClosed or ConnectionEnd.Refused) CloseGracefully();
        else Abort();
        _zmtp.ReleaseInput();
        if (sendLoop != null)
        {
            try { await sendLoop.ConfigureAwait(false); }
            catch (Exception) { /* the socket is gone; the send loop's error adds nothing */ }
        }
        if (_inMidMessage && _link != null) _link.In.Rollback();
        _link?.In.Flush(); // whole messages decoded before the end are still delivered
        lock (_timerLock)
        {
            _timer?.Dispose();
            _timer = null;
        }
        _drainTimer?.Dispose();
        // The mechanism's keys go last, once nothing can send: an inline send on an application thread holds the
        // sending side while it encodes, so take that side for good (it never blocks; the wait is a few frames').
        var spin = new SpinWait();
        while (Interlocked.CompareExchange(ref _sendBusy, 1, 0) != 0) spin.SpinOnce();
        _zmtp.ReleaseMechanism();
    }

    // ------------------------------------------------------------------ closing

    /// <summary>
    /// Closes the connection now, from any thread, dropping what the kernel has not sent yet (TCP reset): for LINGER 0,
    /// an expired linger, malformed input, a dead peer. Once the send loop has drained and shut down the sending side
    /// there is nothing left to drop, and the close is graceful.
    /// </summary>
    public void Abort() => Close(abortive: true);

    /// <summary>
    /// Closes the connection now, from any thread, keeping every byte already handed to the kernel: the sending side
    /// is shut down first, so the kernel still delivers it and ends with FIN. Without that shutdown .NET turns the
    /// dispose of a socket with a pending receive into an abortive close (SO_LINGER 0), which throws away the
    /// kernel's send buffer (the loss of up to 11 % of a stream seen when a sender exited at once).
    /// </summary>
    public void CloseGracefully() => Close(abortive: false);

    private void Close(bool abortive)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        _stopping = true;
        _zmtp.Close(ConnectionEnd.Closed);
        _zap?.Cancel(); // a receive loop waiting for the ZAP handler ends now
        try
        {
            if (!_drained)
            {
                if (abortive) _socket.LingerState = new LingerOption(true, 0);
                else _socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already broken or closed: nothing left to keep or to drop.
        }
        _io?.Dispose(); // before the descriptor is closed and its number can be reused; ends the loops' waits
        try { _socket.Dispose(); } catch (Exception) { /* already closed */ }
        _sendSignal.Set();
        _writableSignal.Set();
    }

    /// <summary>
    /// The socket is closing with linger: once the handshake is done the send loop sends what is queued, shuts down
    /// the sending side and waits for the peer's end; before it, with nothing queued, the connection closes now
    /// (gracefully); with something queued the handshake goes on and the send loop then drains. LINGER bounds all
    /// of it through the session.
    /// </summary>
    public void BeginClose()
    {
        if (_handshakeDone) _sendSignal.Set();
        else if (_session.NothingQueued) CloseGracefully();
    }

    /// <summary>Closes the connection (gracefully: called once drained) after <paramref name="ms"/> unless the peer
    /// closed its end before.</summary>
    private void CloseAfter(int ms)
    {
        var old = Interlocked.Exchange(ref _drainTimer, new Timer(static s => ((StreamEngine)s!).CloseGracefully(), this, ms, Timeout.Infinite));
        old?.Dispose();
    }

    // ------------------------------------------------------------------ send side

    /// <summary>The send loop, whose failure ends the connection: without this a send side that died (a reset seen
    /// first by a write, an OS error, a defect) would leave the receive loop waiting and the queue silently
    /// stuck.</summary>
    private async Task SendSideAsync()
    {
        try
        {
            await SendLoopAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (_stopping) return; // our own close disposed the socket under it
            _zmtp.Close(ConnectionEnd.Broken, ReasonOf(e), ErrnoOf(e));
            Abort();
        }
    }

    private async Task SendLoopAsync()
    {
        await Task.Yield(); // leave the receive loop free to go on reading
        while (!_stopping)
        {
            if (Interlocked.CompareExchange(ref _sendBusy, 1, 0) != 0)
            {
                // An inline send (TryFlushInline) owns the socket's sending side; it wakes us if it leaves work.
                await _sendSignal.WaitAsync().ConfigureAwait(false);
                continue;
            }
            bool finished;
            // The batch buffer is held only while draining, so an idle connection holds none (the pool keeps a few
            // for the connections that are busy).
            byte[] buf = BufferPool.Rent(SendBufferSize);
            try
            {
                finished = await DrainAsync(buf).ConfigureAwait(false);
            }
            finally
            {
                Volatile.Write(ref _sendBusy, 0);
                BufferPool.Return(buf);
            }
            if (finished) return;
            if (_zmtp.State == ZmtpState.Ended && !_zmtp.HasOutput) return;
            if (_zmtp.HasOutput || _carry != null || (_handshakeDone && _link!.Out.HasData)) continue; // arrived while we let go
            await _sendSignal.WaitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sends everything queued (the connection's commands first, then message frames once the handshake is
    /// done), batched into <paramref name="buf"/>; true when the socket closed the link and all of it is in the kernel.
    /// Called with the sending side owned.</summary>
    // Pooled: a drain that waits for the kernel would otherwise allocate its state machine's box every time.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> DrainAsync(byte[] buf)
    {
        if (_carry != null)
        {
            await SendAllAsync(_carry.AsMemory(0, _carryLength)).ConfigureAwait(false);
            BufferPool.Return(_carry);
            _carry = null;
        }
        if (!_handshakeDone)
        {
            int n;
            while ((n = _zmtp.TakeOutput(buf)) > 0) await SendAllAsync(buf.AsMemory(0, n)).ConfigureAwait(false);
            return false;
        }
        var output = _link!.Out;
        // A message cut off by the previous connection's end is not resent half: skip its rest.
        while (_session.OutMidMessage && !_midMessageIsOurs && output.TryRead(out var stale))
        {
            _session.OutMidMessage = stale.More;
            stale.Dispose();
        }
        _midMessageIsOurs = true;
        bool transforms = _zmtp.TransformsFrames;
        while (true)
        {
            int len = _zmtp.TakeOutput(buf);
            while (len < SendBufferSize - FrameHeader.MaxSizeAnyVersion && output.TryRead(out var f))
            {
                if (transforms && _zmtp.MaxEncodedSize(f.Size) > SendBufferSize)
                {
                    // A large frame that the mechanism transforms: encoded on its own, into a buffer of its size.
                    await SendAllAsync(buf.AsMemory(0, len)).ConfigureAwait(false);
                    len = 0;
                    await SendOwnBufferAsync(f).ConfigureAwait(false);
                    continue;
                }
                if (!transforms && f.Size >= DirectThreshold)
                {
                    // Large frame: header with what is batched, then the payload from its own buffer.
                    _session.OutMidMessage = f.More;
                    len += FrameHeader.Write(buf.AsSpan(len), f.Size, f.More, _zmtp.Framing);
                    await SendAllAsync(buf.AsMemory(0, len)).ConfigureAwait(false);
                    len = 0;
                    await SendAllAsync(f.Memory).ConfigureAwait(false);
                    f.Dispose();
                    continue;
                }
                if (len + _zmtp.MaxEncodedSize(f.Size) > SendBufferSize)
                {
                    await SendAllAsync(buf.AsMemory(0, len)).ConfigureAwait(false);
                    len = 0;
                }
                len = Encode(buf, len, ref f);
            }
            if (len == 0) break;
            await SendAllAsync(buf.AsMemory(0, len)).ConfigureAwait(false);
        }
        if (output.IsFinished)
        {
            // The socket closed and everything it sent is in the kernel: shut down our sending side (the kernel delivers
            // the rest, then FIN) and give the peer a moment to close its end; the receive loop ends when it does.
            // Marked first: the peer may answer our FIN before Shutdown returns, and the receive loop must then know
            // that the end of stream it reads answers our own close.
            _drained = true;
            try
            {
                _socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                _drained = false; // the connection broke meanwhile; the receive loop sees that
            }
            CloseAfter(DrainGraceMs);
            return true;
        }
        return false;
    }

    /// <summary>
    /// Request-reply fast path, called on the application's thread right after it wrote a whole request or reply
    /// without publishing it: when the connection is idle, publish it and hand it to the kernel now, without waking
    /// the send loop on another thread (a hop that costs a thread wake-up per message). REQ and REP wait for an
    /// answer after each message anyway, so there is no batch to lose. Never blocks: what the kernel does not take
    /// at once is left for the send loop. Returns false, having done nothing, when the connection is not idle.
    /// </summary>
    public bool TryFlushInline()
    {
        var output = _link?.Out;
        if (output == null || !_handshakeDone || _stopping || _carry != null || !_midMessageIsOurs) return false;
        if (Interlocked.CompareExchange(ref _sendBusy, 1, 0) != 0) return false;
        bool wakeLoop = false;
        try
        {
            // Publishing would normally wake the send loop; this thread is about to do its work instead.
            _flushingInline = true;
            output.Flush();
            _flushingInline = false;
            byte[] buf = _inlineBuffer ??= new byte[InlineBufferSize];
            int len = 0;
            while (output.TryRead(out var f))
            {
                int need = len + _zmtp.MaxEncodedSize(f.Size);
                if (need > buf.Length)
                {
                    var bigger = BufferPool.Rent(Math.Max(need, 2 * buf.Length));
                    buf.AsSpan(0, len).CopyTo(bigger);
                    if (buf != _inlineBuffer) BufferPool.Return(buf);
                    buf = bigger;
                }
                len = Encode(buf, len, ref f);
            }
            int sent = 0;
            if (len > 0)
            {
                sent = _socket.Send(buf.AsSpan(0, len), SocketFlags.None, out var error);
                if (error != SocketError.Success && error != SocketError.WouldBlock) sent = len; // the receive loop will see the failure
            }
            if (sent < len)
            {
                // The kernel's buffer is full: the loop sends the rest when the socket can take it.
                var carry = BufferPool.Rent(len - sent);
                buf.AsSpan(sent, len - sent).CopyTo(carry);
                _carry = carry;
                _carryLength = len - sent;
                wakeLoop = true;
            }
            if (buf != _inlineBuffer) BufferPool.Return(buf);
        }
        catch (ObjectDisposedException)
        {
            // Closed meanwhile.
        }
        finally
        {
            _flushingInline = false;
            Volatile.Write(ref _sendBusy, 0);
            if (wakeLoop || output.HasData || _zmtp.HasOutput) _sendSignal.Set();
        }
        return true;
    }

    /// <summary>Writes one frame's header and payload into <paramref name="buf"/> at <paramref name="len"/>, disposes
    /// the frame, and returns the new length. The caller checked that it fits.</summary>
    private int Encode(byte[] buf, int len, ref Frame f)
    {
        _session.OutMidMessage = f.More;
        return len + _zmtp.EncodeFrame(ref f, buf.AsSpan(len));
    }

    /// <summary>Encodes one large frame into a rented buffer of its own and sends it.</summary>
    private async ValueTask SendOwnBufferAsync(Frame f)
    {
        var own = BufferPool.Rent(_zmtp.MaxEncodedSize(f.Size));
        try
        {
            _session.OutMidMessage = f.More;
            int n = _zmtp.EncodeFrame(ref f, own);
            await SendAllAsync(own.AsMemory(0, n)).ConfigureAwait(false);
        }
        finally
        {
            BufferPool.Return(own);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> data)
    {
        while (data.Length > 0)
        {
            _options.Faults?.At(FaultSite.Send);
            int n = await SendSomeAsync(data).ConfigureAwait(false);
            data = data[n..];
        }
    }

    // ------------------------------------------------------------------ timer

    /// <summary>Arms the one timer for the connection's next deadline (or disposes it when there is none).</summary>
    private void ArmTimer()
    {
        lock (_timerLock)
        {
            if (_stopping) return;
            long due = _zmtp.NextDeadline;
            Volatile.Write(ref _armedFor, due);
            if (due == long.MaxValue)
            {
                _timer?.Dispose();
                _timer = null;
                return;
            }
            long ms = Math.Clamp(due - Environment.TickCount64, 1, int.MaxValue);
            if (_timer == null) _timer = new Timer(static s => ((StreamEngine)s!).OnTimer(), this, ms, Timeout.Infinite);
            else _timer.Change(ms, Timeout.Infinite);
        }
    }

    private void OnTimer()
    {
        if (_stopping) return;
        try
        {
            _options.Faults?.At(FaultSite.Timer);
            if (_zmtp.OnTimer(Environment.TickCount64) == ZmtpEvent.Ended)
            {
                Abort(); // handshake or heartbeat timeout: the peer is dead, or not a ZMTP peer
                return;
            }
        }
        catch (Exception e)
        {
            // A timer callback runs on the thread pool, where an exception would end the process: it ends this
            // connection instead, with the reason on the monitor.
            _zmtp.Close(ConnectionEnd.Broken, ReasonOf(e), ErrnoOf(e));
            Abort();
            return;
        }
        if (_zmtp.HasOutput) _sendSignal.Set();
        ArmTimer();
    }
}
