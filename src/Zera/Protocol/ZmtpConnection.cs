using System.Buffers.Binary;
using System.Text;
using Zera.Protocol.Mechanisms;

namespace Zera.Protocol;

/// <summary>Where a ZMTP connection stands.</summary>
internal enum ZmtpState
{
    /// <summary>Waiting for the peer's 64-byte greeting.</summary>
    Greeting,

    /// <summary>Greetings exchanged; the mechanism's commands are going back and forth.</summary>
    Handshake,

    /// <summary>The peer is known; message frames flow.</summary>
    Ready,

    /// <summary>Over (<see cref="ZmtpConnection.End"/> says how); nothing more is read.</summary>
    Ended,
}

/// <summary>What one step of input (or a timer) produced.</summary>
internal enum ZmtpEvent
{
    /// <summary>Everything given was consumed; nothing for the caller.</summary>
    NeedMore,

    /// <summary>A message frame for the socket (its More flag set).</summary>
    Frame,

    /// <summary>The handshake completed: <see cref="ZmtpConnection.PeerType"/> and the peer's metadata are known.</summary>
    HandshakeDone,

    /// <summary>The connection is over (<see cref="ZmtpConnection.End"/>); queued output (an ERROR) may still be sent.</summary>
    Ended,

    /// <summary>The mechanism needs the ZAP handler's answer about the peer (<see cref="ZmtpConnection.PendingZapRequest"/>):
    /// the driver asks the handler and gives the answer to <see cref="ZmtpConnection.OnZapReply"/> before it reads on.</summary>
    ZapRequest,
}

/// <summary>
/// One ZMTP 3.x connection without any I/O (RFC 23, RFC 37): greeting negotiation, the mechanism's handshake, the
/// frame codec, the commands (READY through the mechanism, ERROR, PING/PONG) and heartbeat timing driven by an
/// explicit "now". Bytes from the peer go in through <see cref="Read"/>; message frames, the handshake's completion
/// and the end come out as <see cref="ZmtpEvent"/>s; bytes to send (greeting and commands) come out of
/// <see cref="TakeOutput"/>, and message frames are encoded by the driver between them with <see cref="FrameHeader"/>.
/// </summary>
/// <remarks>
/// Threads: the input side (<see cref="Read"/>, <see cref="AdvancePayload"/>, <see cref="PayloadRemaining"/>) belongs to
/// one receive loop at a time; <see cref="OnTimer"/> to the driver's timer; the output queue is locked and may be
/// filled and taken from any thread; <see cref="End"/> is set once, by whichever thread ends the connection first.
/// </remarks>
internal sealed partial class ZmtpConnection
{
    // Fixed at construction.
    private readonly ZmtpSettings _settings;
    private readonly IMechanism _mechanism;

    // Input side: the receive loop.
    private readonly FrameDecoder _decoder;
    private bool _inMessage;

    // Set by the receive side as the handshake completes, before the driver hears of it; read by both sides after.
    private IFrameTransform? _transform;

    // Any thread: the state moves forward only; End is set once.
    private volatile ZmtpState _state;
    private int _end;
    private string? _endReason;
    private int _endCode;

    // Output: filled from any thread, under _outputLock. Items are whole wire bytes (the greeting, a command frame), or
    // a command body that the send side seals when the mechanism transforms the traffic.
    private readonly Lock _outputLock = new();
    private readonly Queue<OutputItem> _output = new();
    private byte[]? _head; // the item being sent, in wire form, when a call could not take all of it
    private int _headOffset;
    private volatile bool _hasOutput;

    public ZmtpConnection(ZmtpSettings settings, IMechanism mechanism)
    {
        _settings = settings;
        _mechanism = mechanism;
        _decoder = new FrameDecoder(settings.MaxMessageSize);
    }

    /// <summary>The connection's state (any thread).</summary>
    public ZmtpState State => _state;

    /// <summary>How the connection ended, or <see cref="ConnectionEnd.None"/> while it runs.</summary>
    public ConnectionEnd End => (ConnectionEnd)Volatile.Read(ref _end);

    /// <summary>Why it ended, in words (null while it runs, or when it ended without a reason to give).</summary>
    public string? EndReason => Volatile.Read(ref _endReason);

    /// <summary>libzmq's number for the end, 0 when there is none: a ZMQ_PROTOCOL_ERROR_* value (see
    /// <see cref="ProtocolError"/>) for a malformed or refused peer, the ZAP status code of a peer's ERROR, or the
    /// errno the driver gave with <see cref="Close"/>.</summary>
    public int EndCode => Volatile.Read(ref _endCode);

    /// <summary>The peer's socket type, once <see cref="ZmtpEvent.HandshakeDone"/>.</summary>
    public SocketType PeerType { get; private set; }

    /// <summary>The routing id the peer announced (READY "Identity"), empty if none.</summary>
    public byte[] PeerRoutingId { get; private set; } = [];

    /// <summary>The peer's metadata from the handshake.</summary>
    public IReadOnlyDictionary<string, byte[]> PeerProperties => _mechanism.PeerProperties;

    /// <summary>The request for the ZAP handler after <see cref="ZmtpEvent.ZapRequest"/>, until it is answered.</summary>
    public ZapRequest? PendingZapRequest => _mechanism.ZapRequest;

    /// <summary>True once a ZAP handler's answer accepted the peer (libzmq then gives messages a User-Id).</summary>
    public bool ZapAnswered { get; private set; }

    /// <summary>The User-Id the ZAP handler gave, once the handshake is done ("" when none).</summary>
    public string UserId => _mechanism.UserId;

    /// <summary>The metadata the ZAP handler gave with its answer, if any.</summary>
    public IReadOnlyDictionary<string, byte[]>? ZapMetadata => _mechanism.ZapMetadata;

    /// <summary>True when <see cref="TakeOutput"/> has bytes to send (any thread).</summary>
    public bool HasOutput => _hasOutput;

    /// <summary>Starts the connection at <paramref name="now"/> (ms): queues the first 10 bytes of our greeting (the
    /// rest follows once the peer's first bytes say which protocol version it speaks) and starts the handshake
    /// deadline.</summary>
    public void Start(long now)
    {
        Enqueue(Signature());
        StartTimers(now);
    }

    // ------------------------------------------------------------------ input

    /// <summary>
    /// Takes bytes from the peer received at <paramref name="now"/>. Returns at the first event: a message frame (in
    /// <paramref name="frame"/>, now the caller's), the handshake's completion, or the end; call again with the rest
    /// (<paramref name="consumed"/> says how much was used). <see cref="ZmtpEvent.NeedMore"/> means all was consumed.
    /// </summary>
    public ZmtpEvent Read(ReadOnlySpan<byte> input, long now, out int consumed, out Frame frame)
    {
        consumed = 0;
        frame = default;
        if (_state == ZmtpState.Ended) return ZmtpEvent.Ended;
        if (input.Length > 0) Volatile.Write(ref _lastReceive, now);
        try
        {
            if (_state == ZmtpState.Greeting)
            {
                consumed = TakeGreeting(input);
                if (_state == ZmtpState.Ended) return ZmtpEvent.Ended;
                if (_state == ZmtpState.Greeting) return ZmtpEvent.NeedMore;
                if (ZapDue()) return ZmtpEvent.ZapRequest; // NULL with a ZAP domain asks before its READY
                if (_replay != null)
                {
                    // ZMTP 1.0: the greeting bytes read so far were the start of the peer's identity frame.
                    var replay = _replay;
                    _replay = null;
                    var e = ReadFrames(replay, now, out _, out frame);
                    if (e != ZmtpEvent.NeedMore) return e; // the identity alone cannot produce a message frame
                }
            }
            var result = ReadFrames(input[consumed..], now, out int used, out frame);
            consumed += used;
            return result;
        }
        catch (ProtocolException e)
        {
            return Fail(ConnectionEnd.Malformed, e.Message, e.Code);
        }
    }

    /// <summary>
    /// The receive loop's fast path: on an established connection without a transforming mechanism, takes a whole
    /// small data frame from the start of <paramref name="input"/> exactly as <see cref="Read"/> would give it
    /// (<paramref name="consumed"/> octets). Returns false, having consumed nothing, for anything else (a command, a
    /// large or partial frame, malformed input, any other state); <see cref="Read"/> then handles it.
    /// </summary>
    public bool TryReadData(ReadOnlySpan<byte> input, long now, out int consumed, out Frame frame)
    {
        if (_state != ZmtpState.Ready || _transform != null || _phantomSubscriptionDue
            || !_decoder.TryDecodeSmallData(input, out consumed, out frame))
        {
            consumed = 0;
            frame = default;
            return false;
        }
        Volatile.Write(ref _lastReceive, now);
        _inMessage = frame.More;
        return true;
    }

    private ZmtpEvent ReadFrames(ReadOnlySpan<byte> input, long now, out int consumed, out Frame frame)
    {
        consumed = 0;
        frame = default;
        if (_phantomSubscriptionDue && _state == ZmtpState.Ready)
        {
            // Right after the handshake, before anything the peer sends: "subscribe to everything" (see the field).
            _phantomSubscriptionDue = false;
            frame = Frame.Allocate(1);
            frame.Span[0] = 1;
            return ZmtpEvent.Frame;
        }
        while (consumed < input.Length)
        {
            bool complete = _decoder.TryDecode(input[consumed..], out int used, out var f);
            consumed += used;
            if (!complete) break;
            var e = OnFrame(ref f, now, out frame);
            if (e != ZmtpEvent.NeedMore) return e;
        }
        return ZmtpEvent.NeedMore;
    }

    /// <summary>When a large frame's payload is still arriving, the part of its own buffer not yet filled, so the
    /// driver can receive straight into it (then <see cref="AdvancePayload"/>); otherwise empty.</summary>
    public Memory<byte> PayloadRemaining => _state is ZmtpState.Handshake or ZmtpState.Ready ? _decoder.PayloadRemaining : default;

    /// <summary>Records <paramref name="count"/> bytes received into <see cref="PayloadRemaining"/> at
    /// <paramref name="now"/>; gives the frame's event when it is complete.</summary>
    public ZmtpEvent AdvancePayload(int count, long now, out Frame frame)
    {
        frame = default;
        if (_state == ZmtpState.Ended) return ZmtpEvent.Ended;
        Volatile.Write(ref _lastReceive, now);
        try
        {
            if (!_decoder.AdvancePayload(count, out var f)) return ZmtpEvent.NeedMore;
            return OnFrame(ref f, now, out frame);
        }
        catch (ProtocolException e)
        {
            return Fail(ConnectionEnd.Malformed, e.Message, e.Code);
        }
    }

    /// <summary>Ends the connection from outside (our close, the peer's end of stream, an OS error with its errno in
    /// <paramref name="code"/>). The first end recorded stays.</summary>
    public void Close(ConnectionEnd end, string? reason = null, int code = 0) => Fail(end, reason, code);

    /// <summary>Releases what the input side holds (a partly received frame, the decoder's slab). Called by the
    /// receive loop once it is done.</summary>
    public void ReleaseInput() => _decoder.Reset();

    private ZmtpEvent OnFrame(ref Frame f, long now, out Frame frame)
    {
        frame = default;
        if (_framing != ZmtpFraming.V3 && _state == ZmtpState.Handshake)
        {
            // ZMTP 1.0 and 2.0 have no commands: the peer's first frame is its identity, and that completes the handshake.
            PeerRoutingId = f.ToArray();
            f.Dispose();
            _state = ZmtpState.Ready;
            OnReady(now);
            return ZmtpEvent.HandshakeDone;
        }
        if (_state == ZmtpState.Ready && _transform != null)
        {
            try
            {
                return OnTransformed(f.Span, out frame);
            }
            finally
            {
                f.Dispose();
            }
        }
        if ((f.Flags & FrameFlags.Command) == 0)
        {
            if (_state != ZmtpState.Ready)
            {
                f.Dispose();
                return Fail(ConnectionEnd.Malformed, "data frame before the handshake completed", ProtocolError.UnexpectedCommand);
            }
            frame = f;
            f = default;
            _inMessage = frame.More;
            return ZmtpEvent.Frame;
        }
        try
        {
            if (_state == ZmtpState.Handshake) return OnHandshakeCommand(f.Span, now);
            return OnCommand(f.Span, out frame);
        }
        finally
        {
            f.Dispose();
        }
    }

    /// <summary>
    /// A frame after a transforming handshake (CURVE): whatever its flags say (libzmq sends MESSAGE in a data frame),
    /// it must be one of the mechanism's message commands, or the peer is not speaking the mechanism; a plain command
    /// is refused too, so nobody on the path can inject an unencrypted PING or SUBSCRIBE. What it carries is a message
    /// frame, or a command (its flags octet says so) handled as if it had come in the clear.
    /// </summary>
    private ZmtpEvent OnTransformed(ReadOnlySpan<byte> wire, out Frame frame)
    {
        if (!_transform!.TryDecode(wire, out frame))
            return Fail(ConnectionEnd.Malformed, $"a frame that is not a {_mechanism.Name} MESSAGE after the handshake", ProtocolError.UnexpectedCommand);
        if ((frame.Flags & FrameFlags.Command) == 0)
        {
            _inMessage = frame.More;
            return ZmtpEvent.Frame;
        }
        var command = frame;
        frame = default;
        try
        {
            return OnCommand(command.Span, out frame);
        }
        finally
        {
            command.Dispose();
        }
    }

    private ZmtpEvent OnHandshakeCommand(ReadOnlySpan<byte> body, long now)
    {
        switch (_mechanism.Process(body))
        {
            case MechanismStatus.InProgress:
                PumpMechanism();
                return ZmtpEvent.NeedMore;
            case MechanismStatus.PeerError:
                return Fail(ConnectionEnd.PeerRefused, _mechanism.Failure, _mechanism.FailureCode);
            case MechanismStatus.Malformed:
                return Fail(ConnectionEnd.Malformed, _mechanism.Failure, _mechanism.FailureCode);
            case MechanismStatus.AwaitingZap:
                PumpMechanism();
                return ZapDue() ? ZmtpEvent.ZapRequest : ZmtpEvent.NeedMore;
            case MechanismStatus.Refused:
                PumpMechanism();
                return Fail(ConnectionEnd.Refused, _mechanism.Failure, _mechanism.FailureCode);
        }
        PumpMechanism(); // a mechanism may have a last command to send as it completes
        return CompleteHandshake(now);
    }

    // Receive side: the mechanism's ZAP request was handed to the driver (a connection asks at most once).
    private bool _zapSurfaced;

    private bool ZapDue()
    {
        if (_zapSurfaced || _mechanism.ZapRequest == null) return false;
        _zapSurfaced = true;
        return true;
    }

    /// <summary>
    /// Takes the ZAP handler's answer (or the one the driver made up when no handler is bound) at
    /// <paramref name="now"/>, on the receive side, before it reads on: the mechanism's next command is queued, and
    /// the result is <see cref="ZmtpEvent.HandshakeDone"/> when that completed the handshake,
    /// <see cref="ZmtpEvent.Ended"/> when the handler refused the peer (<see cref="ConnectionEnd.Refused"/> with the
    /// status code), <see cref="ZmtpEvent.NeedMore"/> otherwise.
    /// </summary>
    public ZmtpEvent OnZapReply(ZapReply reply, bool fromHandler, long now)
    {
        if (_state == ZmtpState.Ended) return ZmtpEvent.Ended;
        var status = _mechanism.OnZapReply(reply);
        PumpMechanism();
        switch (status)
        {
            case MechanismStatus.Refused:
                return Fail(ConnectionEnd.Refused, _mechanism.Failure, _mechanism.FailureCode);
            case MechanismStatus.Malformed:
                return Fail(ConnectionEnd.Malformed, _mechanism.Failure, _mechanism.FailureCode);
            case MechanismStatus.Ready:
                ZapAnswered = fromHandler;
                return CompleteHandshake(now);
            default:
                ZapAnswered = fromHandler;
                return ZmtpEvent.NeedMore;
        }
    }

    /// <summary>The mechanism is done: checks the peer's socket type and moves to <see cref="ZmtpState.Ready"/>.</summary>
    private ZmtpEvent CompleteHandshake(long now)
    {
        var props = _mechanism.PeerProperties;
        if (!props.TryGetValue("Socket-Type", out var typeBytes))
            return Fail(ConnectionEnd.Malformed, "READY without Socket-Type", ProtocolError.InvalidMetadata);
        string typeName = Encoding.ASCII.GetString(typeBytes);
        if (!SocketTypes.TryParse(typeName, out var peerType) || !SocketTypes.Compatible(_settings.SocketType, peerType))
        {
            EnqueueCommand(Command.BuildError("Invalid socket type"));
            return Fail(ConnectionEnd.Refused, $"a {SocketTypes.Name(_settings.SocketType)} socket cannot talk to a {typeName} socket",
                ProtocolError.InvalidMetadata);
        }
        PeerType = peerType;
        PeerRoutingId = props.TryGetValue("Identity", out var identity) ? identity : [];
        _transform = _mechanism.FrameTransform;
        _state = ZmtpState.Ready;
        OnReady(now);
        return ZmtpEvent.HandshakeDone;
    }

    private ZmtpEvent OnCommand(ReadOnlySpan<byte> body, out Frame frame)
    {
        frame = default;
        string name = Command.Parse(body, out var data);
        switch (name)
        {
            case Command.Ping:
                if (data.Length < 2) return Fail(ConnectionEnd.Malformed, "PING too short");
                OnPing(BinaryPrimitives.ReadUInt16BigEndian(data) * 100);
                EnqueueCommand(Command.BuildPong(data));
                return ZmtpEvent.NeedMore;
            case Command.Pong:
                return ZmtpEvent.NeedMore;
            case Command.Error:
                return Fail(ConnectionEnd.PeerRefused, "peer sent ERROR: " + Command.ErrorReason(data));
            case Command.Ready:
                return Fail(ConnectionEnd.Malformed, "READY after the handshake");
            case Command.Subscribe:
            case Command.Cancel:
                // Only a publisher takes subscriptions; to anyone else they are unknown commands.
                if (_settings.SocketType is not (SocketType.Pub or SocketType.XPub)) return ZmtpEvent.NeedMore;
                // A subscription is a whole message of its own: one between the frames of another would tear it.
                if (_inMessage) return Fail(ConnectionEnd.Malformed, $"{name} inside a multipart message");
                // ZMTP 3.1's subscription commands reach the socket in the 3.0 message form (1 or 0, then the prefix),
                // the one form its patterns know.
                frame = Frame.Allocate(1 + data.Length);
                frame.Span[0] = name == Command.Subscribe ? (byte)1 : (byte)0;
                data.CopyTo(frame.Span[1..]);
                return ZmtpEvent.Frame;
            default:
                // Unknown commands are ignored, as RFC 37 allows for extensions.
                return ZmtpEvent.NeedMore;
        }
    }

    private ZmtpEvent Fail(ConnectionEnd end, string? reason, int code = 0)
    {
        if (Interlocked.CompareExchange(ref _end, (int)end, 0) == 0)
        {
            Volatile.Write(ref _endReason, reason);
            Volatile.Write(ref _endCode, code);
        }
        _state = ZmtpState.Ended;
        return ZmtpEvent.Ended;
    }

    /// <summary>Between reads, when the input has run dry: lets go of the memory kept for decoding the next frames
    /// (partly used slabs), so an idle connection holds none.</summary>
    public void ReleaseIdleMemory()
    {
        _decoder.ReleaseIdleMemory();
        _transform?.ReleaseIdleMemory();
    }

    // ------------------------------------------------------------------ output

    /// <summary>True when the mechanism transforms every message frame (the driver then encodes each through
    /// <see cref="EncodeFrame"/> and never sends a payload from its own buffer).</summary>
    public bool TransformsFrames => _transform != null;

    /// <summary>The most bytes <see cref="EncodeFrame"/> writes for a payload of <paramref name="size"/> bytes.</summary>
    public int MaxEncodedSize(int size) => _transform?.MaxEncodedSize(size) ?? FrameHeader.MaxSizeAnyVersion + 1 + Command.Subscribe.Length + size;

    /// <summary>Writes one message frame as the wire carries it (header and payload in the negotiated framing, or the
    /// mechanism's command) into <paramref name="dest"/>, disposes it, and returns the bytes written. Send side only.</summary>
    public int EncodeFrame(ref Frame f, Span<byte> dest)
    {
        int n;
        if (_transform != null)
        {
            n = _transform.Encode(f.Span, f.More, dest);
        }
        else if ((f.Flags & FrameFlags.Subscription) != 0 && PeerVersion == ZmtpVersion.Zmtp31 && f.Size >= 1 && !f.More)
        {
            n = WriteSubscriptionCommand(f.Span, dest);
        }
        else
        {
            n = FrameHeader.Write(dest, f.Size, f.More, _framing);
            f.Span.CopyTo(dest[n..]);
            n += f.Size;
        }
        f.Dispose();
        return n;
    }

    /// <summary>Copies queued output (greeting, commands) into <paramref name="dest"/>; returns the byte count. A
    /// command larger than what is left of <paramref name="dest"/> continues at the next call. Send side only: a
    /// command queued after a transforming handshake is sealed here, so its nonce takes its place in the same
    /// sequence as the message frames <see cref="EncodeFrame"/> seals.</summary>
    public int TakeOutput(Span<byte> dest)
    {
        if (!_hasOutput) return 0;
        int written = 0;
        lock (_outputLock)
        {
            while ((_head != null || _output.Count > 0) && written < dest.Length)
            {
                if (_head == null)
                {
                    var item = _output.Dequeue();
                    _head = item.Seal ? SealCommand(item.Bytes) : item.Bytes;
                    _headOffset = 0;
                }
                int n = Math.Min(_head.Length - _headOffset, dest.Length - written);
                _head.AsSpan(_headOffset, n).CopyTo(dest[written..]);
                written += n;
                _headOffset += n;
                if (_headOffset < _head.Length) break;
                _head = null;
            }
            _hasOutput = _head != null || _output.Count > 0;
        }
        return written;
    }

    private byte[] SealCommand(byte[] body)
    {
        var sealedBytes = new byte[_transform!.MaxEncodedSize(body.Length)];
        int n = _transform.EncodeCommand(body, sealedBytes);
        return n == sealedBytes.Length ? sealedBytes : sealedBytes[..n];
    }

    /// <summary>A subscription message as RFC 37's SUBSCRIBE or CANCEL command: the name, then the prefix.</summary>
    private static int WriteSubscriptionCommand(ReadOnlySpan<byte> message, Span<byte> dest)
    {
        string name = message[0] == 1 ? Command.Subscribe : Command.Cancel;
        int body = 1 + name.Length + message.Length - 1;
        int n = FrameHeader.Write(dest, body, more: false, command: true);
        dest[n++] = (byte)name.Length;
        n += System.Text.Encoding.ASCII.GetBytes(name, dest[n..]);
        message[1..].CopyTo(dest[n..]);
        return n + message.Length - 1;
    }

    private void Enqueue(byte[] bytes) => Enqueue(new OutputItem(bytes, Seal: false));

    private void Enqueue(OutputItem item)
    {
        lock (_outputLock)
        {
            _output.Enqueue(item);
            _hasOutput = true;
        }
    }

    /// <summary>Queues a command (PING, PONG, ERROR): as a command frame, or, once a transforming mechanism carries
    /// the traffic, as a body that <see cref="TakeOutput"/> seals when its turn to go comes.</summary>
    private void EnqueueCommand(byte[] body)
    {
        if (_transform != null) Enqueue(new OutputItem(body, Seal: true));
        else Enqueue(CommandFrame(body));
    }

    private void PumpMechanism()
    {
        while (_mechanism.TryTakeCommand(out var body)) Enqueue(CommandFrame(body));
    }

    /// <summary>Releases what the mechanism holds (CURVE zeroes its keys). Call once the connection has ended and
    /// neither side will read, send or take output again.</summary>
    public void ReleaseMechanism() => (_mechanism as IDisposable)?.Dispose();

    /// <summary>Queued wire bytes, or (<paramref name="Seal"/>) a command body to seal through the transform.</summary>
    private readonly record struct OutputItem(byte[] Bytes, bool Seal);

    /// <summary>A command body with its frame header (RFC 23: the COMMAND flag, never MORE).</summary>
    private static byte[] CommandFrame(byte[] body)
    {
        var frame = new byte[FrameHeader.SizeOf(body.Length) + body.Length];
        int n = FrameHeader.Write(frame, body.Length, more: false, command: true);
        body.CopyTo(frame, n);
        return frame;
    }
}
