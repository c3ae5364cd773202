using System.Buffers.Binary;

namespace Zera.Protocol.Mechanisms;

/// <summary>
/// What the CURVE client and server (RFC 25 over RFC 26's CurveZMQ handshake, in libzmq's wire form) share: the
/// connection's short-term key pair and precomputed box key, our nonce counter and the peer's last nonce, the
/// handshake's outcome, and the MESSAGE transform that carries every frame once the handshake is done.
/// </summary>
/// <remarks>
/// <para>Threading: <see cref="Process"/>, <see cref="OnZapReply"/> and <see cref="TryDecode"/> run on the
/// connection's receive side; <see cref="TryTakeCommand"/> under its output lock, never at the same time as
/// <see cref="Process"/> or <see cref="OnZapReply"/> (both queue commands for it); <see cref="Encode"/> and
/// <see cref="EncodeCommand"/> on its send side, and only once the handshake is complete (so the nonce counter has one
/// user at a time: the handshake's commands, then the send side).</para>
/// <para>Lifetime: the owner disposes the mechanism when the connection has ended and neither side will call it again;
/// that zeroes every key it holds (the short-term secret key, the precomputed key, our long-term secret key's copy,
/// the server's cookie key).</para>
/// </remarks>
internal abstract class CurveMechanism : IMechanism, IFrameTransform, IDisposable
{
    /// <summary>A short nonce: the 8 big-endian bytes that follow a 16-byte prefix.</summary>
    protected const int ShortNonceBytes = 8;

    private static readonly IReadOnlyDictionary<string, byte[]> s_none = new Dictionary<string, byte[]>();

    // The name (7, "MESSAGE"), the 8-byte short nonce, then the box (tag, then the encrypted flags octet and payload).
    private const int MessageNameBytes = 8;
    private const int MessageHeaderBytes = MessageNameBytes + ShortNonceBytes;
    private const int MessageOverhead = MessageHeaderBytes + Sodium.MacBytes + 1;
    private const byte FlagMore = 0x01;
    private const byte FlagCommand = 0x02;

    private readonly byte[] _sendPrefix;
    private readonly byte[] _receivePrefix;
    private readonly byte[] _metadata;
    // Frames decoded from MESSAGE commands are carved here, as the frame decoder carves the frames it reads.
    private readonly Core.SlabAllocator _allocator = new(small: true);
    private readonly Queue<byte[]> _pending = new();
    private ulong _nonce = 1;
    private ulong _peerNonce;
    private bool _disposed;

    /// <summary>Sets up the nonce prefixes of the MESSAGE commands this side sends and receives, generates the
    /// short-term key pair, and encodes our metadata for READY (server) or INITIATE (client).</summary>
    protected CurveMechanism(string sendPrefix, string receivePrefix, ReadOnlySpan<(string Name, byte[] Value)> properties)
    {
        Sodium.EnsureLoaded();
        _sendPrefix = System.Text.Encoding.ASCII.GetBytes(sendPrefix);
        _receivePrefix = System.Text.Encoding.ASCII.GetBytes(receivePrefix);
        // READY's body is its name, then the metadata; CURVE boxes the same metadata.
        _metadata = Command.BuildReady(properties).AsSpan(1 + Command.Ready.Length).ToArray();
        Sodium.BoxKeyPair(ShortPublic, ShortSecret);
    }

    public string Name => "CURVE";

    public abstract bool AsServer { get; }

    public string? Failure { get; private set; }

    public int FailureCode { get; private set; }

    public IReadOnlyDictionary<string, byte[]> PeerProperties { get; private set; } = s_none;

    public IFrameTransform? FrameTransform => IsReady ? this : null;

    public virtual ZapRequest? ZapRequest => null;

    public virtual string UserId => "";

    public virtual IReadOnlyDictionary<string, byte[]>? ZapMetadata => null;

    /// <summary>Our short-term public key (C' or S').</summary>
    protected byte[] ShortPublic { get; } = new byte[Sodium.KeyBytes];

    /// <summary>Our short-term secret key (c' or s'): pinned, so zeroing it on dispose leaves no moved copy.</summary>
    protected byte[] ShortSecret { get; } = SecretBuffer(Sodium.KeyBytes);

    /// <summary>The box key of our short-term secret key and the peer's short-term public key, once known.</summary>
    protected byte[] Precomputed { get; } = SecretBuffer(Sodium.KeyBytes);

    /// <summary>Our metadata (RFC 23's property list), boxed into INITIATE or READY.</summary>
    protected ReadOnlySpan<byte> Metadata => _metadata;

    /// <summary>True once the handshake completed: MESSAGE commands carry the frames from now on.</summary>
    protected bool IsReady { get; set; }

    /// <summary>A buffer for key material, pinned so that the GC never leaves a copy behind when it is zeroed.</summary>
    protected static byte[] SecretBuffer(int length) => GC.AllocateArray<byte>(length, pinned: true);

    public bool TryTakeCommand(out byte[] body)
    {
        body = null!;
        if (_disposed) return false;
        OnTakeCommand();
        return _pending.TryDequeue(out body!);
    }

    /// <summary>Called before a command is taken: a side queues what became due (see <see cref="Enqueue"/>).</summary>
    protected virtual void OnTakeCommand()
    {
    }

    /// <summary>Queues a handshake command body for <see cref="TryTakeCommand"/>.</summary>
    protected void Enqueue(byte[] body) => _pending.Enqueue(body);

    public MechanismStatus Process(ReadOnlySpan<byte> command)
    {
        if (_disposed) return Fail("the CURVE mechanism was disposed", ProtocolError.Unspecified);
        if (IsReady || Failure != null) return Fail("handshake command after the CURVE handshake ended", ProtocolError.UnexpectedCommand);
        try
        {
            return OnCommand(command);
        }
        catch (ProtocolException e)
        {
            // Only metadata parsing throws; every other check returns a status.
            return Fail(e.Message, e.Code);
        }
    }

    /// <summary>Takes one handshake command from the peer (the side's state machine).</summary>
    protected abstract MechanismStatus OnCommand(ReadOnlySpan<byte> command);

    public virtual MechanismStatus OnZapReply(ZapReply reply) => throw new InvalidOperationException("a CURVE client does not use ZAP");

    /// <summary>Records why the handshake failed; returns <see cref="MechanismStatus.Malformed"/>.</summary>
    protected MechanismStatus Fail(string reason, int code)
    {
        Failure = reason;
        FailureCode = code;
        return MechanismStatus.Malformed;
    }

    /// <summary>Records a refusal (the peer's ERROR, or our ZAP handler's) with its code.</summary>
    protected MechanismStatus Refuse(string reason, int code, MechanismStatus status)
    {
        Failure = reason;
        FailureCode = code;
        return status;
    }

    /// <summary>Parses the peer's metadata (from INITIATE or READY) as its properties.</summary>
    protected void SetPeerMetadata(ReadOnlySpan<byte> metadata) => PeerProperties = Command.ParseProperties(metadata);

    /// <summary>True when <paramref name="body"/> starts with the command name <paramref name="name"/> (length octet
    /// included).</summary>
    protected static bool IsCommand(ReadOnlySpan<byte> body, ReadOnlySpan<byte> name) => body.StartsWith(name);

    /// <summary>The next nonce this side sends (HELLO, INITIATE, READY, MESSAGE: one counter, never reused).</summary>
    protected ulong NextNonce()
    {
        // 2^64 commands will not happen; should it, reusing a nonce would break the cipher, so stop instead.
        if (_nonce == ulong.MaxValue) throw new InvalidOperationException("CURVE nonce space exhausted");
        return _nonce++;
    }

    /// <summary>Records the short nonce of a handshake command from the peer: MESSAGE nonces must exceed it.</summary>
    protected void SetPeerNonce(ulong nonce) => _peerNonce = nonce;

    /// <summary>Writes a 24-byte nonce: a 16-byte prefix, then <paramref name="shortNonce"/> big-endian.</summary>
    protected static void LongNonce(Span<byte> nonce, ReadOnlySpan<byte> prefix16, ulong shortNonce)
    {
        prefix16.CopyTo(nonce);
        BinaryPrimitives.WriteUInt64BigEndian(nonce[16..], shortNonce);
    }

    /// <summary>Writes a 24-byte nonce: an 8-byte prefix, then 16 bytes (random, or as received).</summary>
    protected static void LongNonce(Span<byte> nonce, ReadOnlySpan<byte> prefix8, ReadOnlySpan<byte> tail16)
    {
        prefix8.CopyTo(nonce);
        tail16.CopyTo(nonce[8..]);
    }

    // ------------------------------------------------------------------ MESSAGE transform

    public int MaxEncodedSize(int size) => FrameHeader.MaxSize + MessageOverhead + size;

    /// <summary>Writes one message frame as a MESSAGE in a data frame (see <see cref="EncodeMessage"/>).</summary>
    public int Encode(ReadOnlySpan<byte> payload, bool more, Span<byte> dest) => EncodeMessage(payload, more ? FlagMore : (byte)0, dest);

    /// <summary>Writes a command (PING, PONG, SUBSCRIBE...) as the peer must receive it after the handshake: inside a
    /// MESSAGE whose flags octet has the COMMAND bit, as libzmq sends and expects every command once CURVE is up.</summary>
    public int EncodeCommand(ReadOnlySpan<byte> body, Span<byte> dest) => EncodeMessage(body, FlagCommand, dest);

    private int EncodeMessage(ReadOnlySpan<byte> payload, byte flags, Span<byte> dest)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!IsReady) throw new InvalidOperationException("the CURVE handshake is not complete");
        int bodyLength = MessageOverhead + payload.Length;
        // libzmq frames MESSAGE as a data frame (neither COMMAND nor MORE: both flags travel inside the box), and drops
        // a command frame that decrypts to a message part, so this is the form a libzmq peer can read.
        int at = FrameHeader.Write(dest, bodyLength, more: false, command: false);
        var body = dest.Slice(at, bodyLength);
        "\u0007MESSAGE"u8.CopyTo(body);
        ulong shortNonce = NextNonce();
        BinaryPrimitives.WriteUInt64BigEndian(body[MessageNameBytes..], shortNonce);
        // The plaintext goes where the ciphertext will be (one tag's length in) and is boxed in place: no scratch.
        var box = body[MessageHeaderBytes..];
        box[Sodium.MacBytes] = flags;
        payload.CopyTo(box[(Sodium.MacBytes + 1)..]);
        Span<byte> nonce = stackalloc byte[Sodium.NonceBytes];
        LongNonce(nonce, _sendPrefix, shortNonce);
        Sodium.BoxAfterNm(box, box[Sodium.MacBytes..], nonce, Precomputed);
        return at + bodyLength;
    }

    /// <summary>Decodes a MESSAGE, which a peer may send in a data frame (libzmq does) or a command frame: the caller
    /// passes every frame it receives after the handshake. The frame's More flag, and its Command flag for a command
    /// (PING, SUBSCRIBE...) that travelled encrypted, come from the box's flags octet.</summary>
    /// <summary>Stops carving decoded frames from the current slab (its memory returns once they are disposed).</summary>
    public void ReleaseIdleMemory() => _allocator.Release();

    public bool TryDecode(ReadOnlySpan<byte> command, out Frame frame)
    {
        frame = default;
        if (!command.StartsWith("\u0007MESSAGE"u8)) return false;
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (command.Length < MessageOverhead)
            throw new ProtocolException($"CURVE MESSAGE of {command.Length} bytes is shorter than its nonce, tag and flags", ProtocolError.MalformedMessage);
        ulong shortNonce = BinaryPrimitives.ReadUInt64BigEndian(command[MessageNameBytes..]);
        if (shortNonce <= _peerNonce)
            throw new ProtocolException($"CURVE MESSAGE nonce {shortNonce} does not follow {_peerNonce} (replayed or reordered)", ProtocolError.InvalidSequence);
        Span<byte> nonce = stackalloc byte[Sodium.NonceBytes];
        LongNonce(nonce, _receivePrefix, shortNonce);
        var box = command[MessageHeaderBytes..];
        var f = _allocator.Allocate(box.Length - Sodium.MacBytes);
        if (!Sodium.OpenAfterNm(f.Span, box, nonce, Precomputed))
        {
            f.Dispose();
            throw new ProtocolException("CURVE MESSAGE does not decrypt (forged, corrupt, or another key)", ProtocolError.Cryptographic);
        }
        // Only an authentic MESSAGE moves the window, so a forged one cannot push the expected nonce ahead.
        _peerNonce = shortNonce;
        byte flags = f.Span[0];
        f.Offset++;
        f.Size--;
        if (f.Size == 0) f.Dispose();
        f.Flags |= ((flags & FlagMore) != 0 ? FrameFlags.More : 0) | ((flags & FlagCommand) != 0 ? FrameFlags.Command : 0);
        frame = f;
        return true;
    }

    // ------------------------------------------------------------------ lifetime

    /// <summary>Zeroes every key this mechanism holds and stops carving frames. Call it once the connection has ended
    /// and neither its send nor its receive side will use the mechanism again.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Sodium.Zero(ShortSecret);
        Sodium.Zero(Precomputed);
        ForgetSecrets();
        _allocator.Release();
        _pending.Clear();
    }

    /// <summary>Zeroes the side's own secrets (long-term secret key copy, cookie key).</summary>
    protected abstract void ForgetSecrets();
}
