using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using Zera.Core;
using Zera.Protocol;
using NetSocket = System.Net.Sockets.Socket;

namespace Zera.Transports;

/// <summary>
/// One ZMTP 3.x connection over a stream socket (tcp or ipc): the handshake, then a receive loop that decodes every
/// frame in each read into the link's inbound pipe, and a send loop that wakes when the outbound pipe turns
/// non-empty, packs everything queued into one buffer and writes it with one call.
/// </summary>
/// <remarks>Both loops run on the thread pool; nothing here blocks a thread. The session owns the engine and may
/// <see cref="Abort"/> it from any thread.</remarks>
internal sealed class StreamEngine
{
    private const int ReceiveBufferSize = 64 * 1024;
    private const int SendBufferSize = 64 * 1024;
    private const int DirectThreshold = 16 * 1024;

    private readonly NetSocket _socket;
    private readonly Session _session;
    private readonly SocketOptions _options;
    private readonly SocketType _selfType;
    private readonly FrameDecoder _decoder;
    private readonly Signal _sendSignal = new();
    private readonly Signal _writableSignal = new();
    private readonly Lock _commandLock = new();
    private readonly Queue<byte[]> _commands = new();
    private Link? _link;
    private volatile bool _stopping;
    private int _closed;
    private volatile bool _drained;
    private volatile bool _handshakeDone;
    private bool _inMidMessage;
    private long _lastReceive;
    private long _nextPing;
    private long _pingSentAt;
    private byte[]? _refusal;
    private int _peerTtlMs;
    private Timer? _timer;
    private Timer? _drainTimer;
    private int _sendBusy;
    private bool _flushingInline;
    private bool _midMessageIsOurs;
    private byte[]? _carry;
    private int _carryLength;
    private byte[]? _inlineBuffer;
    private const int InlineBufferSize = 4096;
    private string? _error;

    public StreamEngine(NetSocket socket, Session session, SocketOptions options, SocketType selfType)
    {
        _socket = socket;
        _session = session;
        _options = options;
        _selfType = selfType;
        _decoder = new FrameDecoder(options.MaxMessageSize);
    }

    /// <summary>True once the peer's READY was accepted.</summary>
    public bool HandshakeDone => _handshakeDone;

    /// <summary>Why the connection ended, if it was an error.</summary>
    public string? Error => _error;

    public void WakeSend()
    {
        if (!_flushingInline) _sendSignal.Set();
    }

    public void WakeReceive() => _writableSignal.Set();

    /// <summary>Runs the connection to its end (peer gone, error, or <see cref="Abort"/>).</summary>
    public async Task RunAsync()
    {
        Task? sendLoop = null;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
        LiveCounts.EngineStarted();
        try
        {
            _lastReceive = Environment.TickCount64;
            ArmTimer(handshake: true);
            _socket.Blocking = false; // synchronous sends (TryFlushInline) must never wait
            await SendHandshakeAsync().ConfigureAwait(false);
            int end = await ReceiveGreetingAsync(buffer).ConfigureAwait(false);
            int start = Greeting.Size;
            while (!_stopping)
            {
                // Decode everything this read brought before reading again.
                while (start < end)
                {
                    bool complete = _decoder.TryDecode(buffer.AsSpan(start, end - start), out int consumed, out var frame);
                    start += consumed;
                    if (!complete) break;
                    if (!await DeliverAsync(frame).ConfigureAwait(false)) return;
                    if (sendLoop == null && _handshakeDone) sendLoop = SendLoopAsync();
                }
                start = end = 0;
                _link?.In.Flush(); // publish everything this read brought at once
                int n;
                var direct = _decoder.PayloadRemaining;
                if (direct.Length >= DirectThreshold)
                {
                    // A large frame: receive straight into its own buffer, no copy.
                    n = await _socket.ReceiveAsync(direct, SocketFlags.None).ConfigureAwait(false);
                    if (n == 0) break;
                    _lastReceive = Environment.TickCount64;
                    if (_decoder.AdvancePayload(n, out var big) && !await DeliverAsync(big).ConfigureAwait(false)) return;
                    continue;
                }
                n = await _socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).ConfigureAwait(false);
                if (n == 0) break;
                _lastReceive = Environment.TickCount64;
                end = n;
            }
        }
        catch (ProtocolException e)
        {
            _error = e.Message;
            if (_refusal != null)
            {
                // A refused peer is told why; a graceful close lets that ERROR reach it before our FIN.
                await TrySendRefusalAsync(_refusal).ConfigureAwait(false);
                CloseGracefully();
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            if (!_stopping) _error = e.Message;
        }
        finally
        {
            // The peer closed its end (EOF) and nothing is lost by closing ours without a reset; any other way here
            // (malformed input, a broken connection) is an abortive close. Both do nothing if a close came first.
            if (_error == null) CloseGracefully();
            else Abort();
            _decoder.Reset();
            ArrayPool<byte>.Shared.Return(buffer);
            if (sendLoop != null)
            {
                try { await sendLoop.ConfigureAwait(false); }
                catch (Exception) { /* the socket is gone; the send loop's error adds nothing */ }
            }
            if (_inMidMessage && _link != null) _link.In.Rollback();
            _link?.In.Flush(); // whole messages decoded before the end are still delivered
            _timer?.Dispose();
            _drainTimer?.Dispose();
            LiveCounts.EngineEnded();
        }
    }

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

    /// <summary>Tells a refused peer why (an ERROR command, RFC 23) before the connection closes; best effort.</summary>
    private async Task TrySendRefusalAsync(byte[] body)
    {
        var frame = new byte[FrameHeader.MaxSize + body.Length];
        int n = FrameHeader.Write(frame, body.Length, more: false, command: true);
        body.CopyTo(frame, n);
        using var cancel = new CancellationTokenSource(1000);
        try
        {
            await _socket.SendAsync(frame.AsMemory(0, n + body.Length), SocketFlags.None, cancel.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer is already gone; nothing more to tell it.
        }
    }

    /// <summary>Closes the connection (gracefully: called once drained) after <paramref name="ms"/> unless the peer
    /// closed its end before.</summary>
    private void CloseAfter(int ms)
    {
        var old = Interlocked.Exchange(ref _drainTimer, new Timer(static s => ((StreamEngine)s!).CloseGracefully(), this, ms, Timeout.Infinite));
        old?.Dispose();
    }

    /// <summary>How long a drained connection waits for the peer to close its end before closing ours: closing at
    /// once could leave the peer's last bytes unread in our receive buffer, and a close with unread data resets the
    /// connection.</summary>
    private const int DrainGraceMs = 2000;

    // ------------------------------------------------------------------ handshake

    private async Task SendHandshakeAsync()
    {
        var props = new List<(string, byte[])> { ("Socket-Type", System.Text.Encoding.ASCII.GetBytes(SocketTypes.Name(_selfType))) };
        if (SocketTypes.SendsIdentity(_selfType)) props.Add(("Identity", _options.RoutingId));
        var ready = Command.BuildReady([.. props]);
        var buf = new byte[Greeting.Size + FrameHeader.MaxSize + ready.Length];
        Greeting.Write(buf, "NULL", asServer: false);
        int at = Greeting.Size + FrameHeader.Write(buf.AsSpan(Greeting.Size), ready.Length, more: false, command: true);
        ready.CopyTo(buf, at);
        await SendAllAsync(buf.AsMemory(0, at + ready.Length)).ConfigureAwait(false);
    }

    private async Task<int> ReceiveGreetingAsync(byte[] buffer)
    {
        int have = 0;
        while (have < Greeting.Size)
        {
            int n = await _socket.ReceiveAsync(buffer.AsMemory(have), SocketFlags.None).ConfigureAwait(false);
            if (n == 0) throw new ProtocolException("peer closed during the greeting");
            have += n;
            var bad = Greeting.CheckPrefix(buffer.AsSpan(0, Math.Min(have, Greeting.SignatureSize)));
            if (bad != null) throw new ProtocolException(bad);
        }
        var g = Greeting.Parse(buffer);
        if (g.Mechanism != "NULL") throw new ProtocolException($"security mechanism {g.Mechanism} is not supported (NULL is)");
        return have;
    }

    private void OnReady(ReadOnlySpan<byte> data)
    {
        var props = Command.ParseProperties(data);
        if (!props.TryGetValue("Socket-Type", out var typeBytes))
            throw new ProtocolException("READY without Socket-Type");
        string typeName = System.Text.Encoding.ASCII.GetString(typeBytes);
        if (!SocketTypes.TryParse(typeName, out var peerType) || !SocketTypes.Compatible(_selfType, peerType))
        {
            _refusal = Command.BuildError("Invalid socket type");
            throw new ProtocolException($"a {SocketTypes.Name(_selfType)} socket cannot talk to a {typeName} socket");
        }
        props.TryGetValue("Identity", out var identity);
        _link = _session.OnHandshake(this, peerType, identity ?? []);
        if (_link == null) throw new ProtocolException("the socket refused the connection");
        _handshakeDone = true;
        ArmTimer(handshake: false);
    }

    // ------------------------------------------------------------------ receive side

    /// <summary>Hands one decoded frame on; waits while the inbound pipe is at its high-water mark.
    /// Returns false when the engine stopped meanwhile.</summary>
    private ValueTask<bool> DeliverAsync(Frame frame)
    {
        if ((frame.Flags & FrameFlags.Command) != 0)
        {
            HandleCommand(frame);
            return new ValueTask<bool>(true);
        }
        if (!_handshakeDone)
        {
            frame.Dispose();
            throw new ProtocolException("data frame before READY");
        }
        var pipe = _link!.In;
        if (!_inMidMessage && !pipe.CanWrite()) return DeliverSlowAsync(frame);
        _inMidMessage = frame.More;
        pipe.WriteUnflushed(ref frame, _inMidMessage);
        return new ValueTask<bool>(true);
    }

    private async ValueTask<bool> DeliverSlowAsync(Frame frame)
    {
        var pipe = _link!.In;
        pipe.Flush(); // the reader must see what is queued before we wait for it to make room
        while (!pipe.CanWrite())
        {
            await _writableSignal.WaitAsync(default).ConfigureAwait(false);
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

    private void HandleCommand(Frame frame)
    {
        try
        {
            string name = Command.Parse(frame.Span, out var data);
            if (!_handshakeDone)
            {
                if (name == Command.Ready) OnReady(data);
                else if (name == Command.Error) throw new ProtocolException("peer refused the handshake: " + ErrorReason(data));
                else throw new ProtocolException($"expected READY, got {name}");
                return;
            }
            switch (name)
            {
                case Command.Ping:
                    if (data.Length < 2) throw new ProtocolException("PING too short");
                    int ttl = BinaryPrimitives.ReadUInt16BigEndian(data) * 100;
                    if (ttl > 0 && _peerTtlMs == 0)
                    {
                        _peerTtlMs = ttl;
                        ArmTimer(handshake: false);
                    }
                    QueueCommand(Command.BuildPong(data));
                    break;
                case Command.Pong:
                    break;
                case Command.Error:
                    throw new ProtocolException("peer sent ERROR: " + ErrorReason(data));
                case Command.Ready:
                    throw new ProtocolException("READY after the handshake");
                default:
                    break; // unknown commands are ignored, as RFC 37 allows for future extensions
            }
        }
        finally
        {
            frame.Dispose();
        }
    }

    private static string ErrorReason(ReadOnlySpan<byte> data) =>
        data.Length > 0 && data.Length >= 1 + data[0] ? System.Text.Encoding.ASCII.GetString(data.Slice(1, data[0])) : "(no reason)";

    // ------------------------------------------------------------------ send side

    private void QueueCommand(byte[] body)
    {
        lock (_commandLock) _commands.Enqueue(body);
        _sendSignal.Set();
    }

    private async Task SendLoopAsync()
    {
        await Task.Yield(); // leave the receive loop free to go on reading
        byte[] buf = ArrayPool<byte>.Shared.Rent(SendBufferSize);
        var output = _link!.Out;
        try
        {
            while (!_stopping)
            {
                if (Interlocked.CompareExchange(ref _sendBusy, 1, 0) != 0)
                {
                    // An inline send (TryFlushInline) owns the socket's sending side; it wakes us if it leaves work.
                    await _sendSignal.WaitAsync(default).ConfigureAwait(false);
                    continue;
                }
                bool finished;
                try
                {
                    finished = await DrainAsync(buf, output).ConfigureAwait(false);
                }
                finally
                {
                    Volatile.Write(ref _sendBusy, 0);
                }
                if (finished) return;
                if (output.HasData || _commands.Count > 0 || _carry != null) continue; // arrived while we let go
                await _sendSignal.WaitAsync(default).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    /// <summary>Sends everything queued, batched into <paramref name="buf"/>; true when the socket closed the link
    /// and all of it is on the wire. Called with the sending side owned.</summary>
    private async ValueTask<bool> DrainAsync(byte[] buf, Pipe output)
    {
        if (_carry != null)
        {
            await SendAllAsync(_carry.AsMemory(0, _carryLength)).ConfigureAwait(false);
            ArrayPool<byte>.Shared.Return(_carry);
            _carry = null;
        }
        // A message cut off by the previous connection's end is not resent half: skip its rest.
        while (_session.OutMidMessage && !_midMessageIsOurs && output.TryRead(out var stale))
        {
            _session.OutMidMessage = stale.More;
            stale.Dispose();
        }
        _midMessageIsOurs = true;
        while (true)
        {
            int len = DrainCommands(buf);
            while (len < SendBufferSize - FrameHeader.MaxSize && output.TryRead(out var f))
            {
                if (f.Size >= DirectThreshold)
                {
                    // Large frame: header with what is batched, then the payload from its own buffer.
                    _session.OutMidMessage = f.More;
                    len += FrameHeader.Write(buf.AsSpan(len), f.Size, f.More);
                    await SendAllAsync(buf.AsMemory(0, len)).ConfigureAwait(false);
                    len = 0;
                    await SendAllAsync(f.Memory).ConfigureAwait(false);
                    f.Dispose();
                    continue;
                }
                if (len + FrameHeader.MaxSize + f.Size > SendBufferSize)
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
            try
            {
                _socket.Shutdown(SocketShutdown.Send);
                _drained = true;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // The connection broke meanwhile; the receive loop sees that.
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
                int need = len + FrameHeader.MaxSize + f.Size;
                if (need > buf.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(need, 2 * buf.Length));
                    buf.AsSpan(0, len).CopyTo(bigger);
                    if (buf != _inlineBuffer) ArrayPool<byte>.Shared.Return(buf);
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
                var carry = ArrayPool<byte>.Shared.Rent(len - sent);
                buf.AsSpan(sent, len - sent).CopyTo(carry);
                _carry = carry;
                _carryLength = len - sent;
                wakeLoop = true;
            }
            if (buf != _inlineBuffer) ArrayPool<byte>.Shared.Return(buf);
        }
        catch (ObjectDisposedException)
        {
            // Closed meanwhile.
        }
        finally
        {
            _flushingInline = false;
            Volatile.Write(ref _sendBusy, 0);
            if (wakeLoop || output.HasData) _sendSignal.Set();
        }
        return true;
    }

    /// <summary>Writes one frame's header and payload into <paramref name="buf"/> at <paramref name="len"/>, disposes
    /// the frame, and returns the new length. The caller checked that it fits.</summary>
    private int Encode(byte[] buf, int len, ref Frame f)
    {
        _session.OutMidMessage = f.More;
        len += FrameHeader.Write(buf.AsSpan(len), f.Size, f.More);
        f.Span.CopyTo(buf.AsSpan(len));
        len += f.Size;
        f.Dispose();
        return len;
    }

    private int DrainCommands(byte[] buf)
    {
        if (_commands.Count == 0) return 0;
        int len = 0;
        lock (_commandLock)
        {
            while (_commands.Count > 0 && len + FrameHeader.MaxSize + _commands.Peek().Length <= buf.Length)
            {
                var body = _commands.Dequeue();
                len += FrameHeader.Write(buf.AsSpan(len), body.Length, more: false, command: true);
                body.CopyTo(buf, len);
                len += body.Length;
            }
        }
        return len;
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> data)
    {
        while (data.Length > 0)
        {
            int n = await _socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
            data = data[n..];
        }
    }

    // ------------------------------------------------------------------ timers

    /// <summary>Arms the one timer a connection has: the handshake deadline until READY, then (only when heartbeats
    /// are on, ours or the peer's TTL) a one-shot timer re-armed for whichever is due first: the next PING, the
    /// deadline for an answer to the last PING, or the peer's TTL.</summary>
    private void ArmTimer(bool handshake)
    {
        int due;
        if (handshake)
        {
            if (_options.HandshakeInterval <= 0) return;
            due = _options.HandshakeInterval;
        }
        else
        {
            if (_options.HeartbeatInterval <= 0 && _peerTtlMs <= 0)
            {
                Interlocked.Exchange(ref _timer, null)?.Dispose();
                return;
            }
            if (_options.HeartbeatInterval > 0 && _nextPing == 0) _nextPing = Environment.TickCount64 + _options.HeartbeatInterval;
            due = NextHeartbeatDue(Environment.TickCount64);
        }
        var timer = new Timer(static s => ((StreamEngine)s!).OnTimer(), this, due, Timeout.Infinite);
        Interlocked.Exchange(ref _timer, timer)?.Dispose();
    }

    private int HeartbeatTimeout => _options.HeartbeatTimeout >= 0 ? _options.HeartbeatTimeout : _options.HeartbeatInterval;

    private int NextHeartbeatDue(long now)
    {
        long next = long.MaxValue;
        if (_options.HeartbeatInterval > 0)
        {
            next = _nextPing;
            if (_pingSentAt != 0) next = Math.Min(next, _pingSentAt + HeartbeatTimeout);
        }
        if (_peerTtlMs > 0) next = Math.Min(next, Volatile.Read(ref _lastReceive) + _peerTtlMs);
        return (int)Math.Clamp(next - now, 1, int.MaxValue);
    }

    private void OnTimer()
    {
        if (_stopping) return;
        long now = Environment.TickCount64;
        if (!_handshakeDone)
        {
            _error = $"handshake not completed within {_options.HandshakeInterval} ms";
            Abort();
            return;
        }
        int ivl = _options.HeartbeatInterval;
        long lastReceive = Volatile.Read(ref _lastReceive);
        if (_pingSentAt != 0 && lastReceive >= _pingSentAt) _pingSentAt = 0; // answered: traffic since the PING
        // HEARTBEAT_TIMEOUT runs from the PING we sent; any traffic since then answers it.
        if (ivl > 0 && _pingSentAt != 0 && now - _pingSentAt >= HeartbeatTimeout)
        {
            _error = $"no traffic from the peer within {HeartbeatTimeout} ms of our PING (heartbeat timeout)";
            Abort();
            return;
        }
        if (_peerTtlMs > 0 && now - lastReceive > _peerTtlMs)
        {
            _error = $"no traffic from the peer for {now - lastReceive} ms (the peer's heartbeat TTL)";
            Abort();
            return;
        }
        if (ivl > 0 && now >= _nextPing)
        {
            _nextPing = now + ivl;
            if (_pingSentAt == 0) _pingSentAt = now;
            QueueCommand(Command.BuildPing((ushort)Math.Min(ushort.MaxValue, _options.HeartbeatTtl / 100), []));
        }
        var timer = _timer;
        if (timer == null || _stopping) return;
        try { timer.Change(NextHeartbeatDue(now), Timeout.Infinite); }
        catch (ObjectDisposedException) { /* the connection ended meanwhile */ }
    }
}
