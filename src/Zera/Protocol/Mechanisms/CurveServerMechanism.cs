using System.Buffers.Binary;

namespace Zera.Protocol.Mechanisms;

/// <summary>
/// The CURVE server (RFC 25/26, libzmq's wire form): takes HELLO, answers WELCOME with a cookie only it can open,
/// takes INITIATE (cookie, vouch, the client's long-term key and metadata), then asks the ZAP handler about the
/// client's long-term public key (<see cref="MechanismStatus.AwaitingZap"/>) and, on its answer, sends READY or ERROR.
/// </summary>
/// <remarks>Threading and lifetime as <see cref="CurveMechanism"/>: dispose it once the connection has ended. The
/// cookie key is made for this connection alone and zeroed as soon as INITIATE has been checked, so no cookie outlives
/// its handshake.</remarks>
internal sealed class CurveServerMechanism : CurveMechanism
{
    private const int HelloBytes = 200;
    private const int CookieBytes = 96; // 16-byte nonce tail, then a secret box (16 + C' 32 + s' 32)
    // INITIATE: name (9), cookie (96), short nonce (8), box (16 + C 32 + vouch nonce 16 + vouch box 80), metadata.
    private const int InitiateMinBytes = 9 + CookieBytes + ShortNonceBytes + Sodium.MacBytes + 128;

    private readonly byte[] _publicKey;
    private readonly byte[] _secretKey = SecretBuffer(Sodium.KeyBytes);
    private readonly byte[] _cookieKey = SecretBuffer(Sodium.KeyBytes);
    private readonly byte[] _clientShortPublic = new byte[Sodium.KeyBytes];
    private State _state = State.ExpectHello;
    private ZapRequest? _zapRequest;
    private string _userId = "";
    private IReadOnlyDictionary<string, byte[]>? _zapMetadata;

    private enum State
    {
        ExpectHello,
        SendWelcome,
        ExpectInitiate,
        AwaitingZap,
        Done,
    }

    /// <summary>A server with the long-term key pair <paramref name="serverPublicKey"/>/<paramref name="serverSecretKey"/>
    /// (32 bytes each); <paramref name="properties"/> go into READY's metadata (Socket-Type, Identity...).</summary>
    public CurveServerMechanism(ReadOnlySpan<byte> serverPublicKey, ReadOnlySpan<byte> serverSecretKey,
        params ReadOnlySpan<(string Name, byte[] Value)> properties)
        : base(sendPrefix: "CurveZMQMESSAGES", receivePrefix: "CurveZMQMESSAGEC", properties)
    {
        if (serverPublicKey.Length != Sodium.KeyBytes) throw new ArgumentException($"a CURVE key is {Sodium.KeyBytes} bytes", nameof(serverPublicKey));
        if (serverSecretKey.Length != Sodium.KeyBytes) throw new ArgumentException($"a CURVE key is {Sodium.KeyBytes} bytes", nameof(serverSecretKey));
        _publicKey = serverPublicKey.ToArray();
        serverSecretKey.CopyTo(_secretKey);
    }

    public override bool AsServer => true;

    public override ZapRequest? ZapRequest => _state == State.AwaitingZap ? _zapRequest : null;

    public override string UserId => _userId;

    public override IReadOnlyDictionary<string, byte[]>? ZapMetadata => _zapMetadata;

    protected override void OnTakeCommand()
    {
        switch (_state)
        {
            case State.SendWelcome:
                Enqueue(BuildWelcome());
                _state = State.ExpectInitiate;
                break;
        }
    }

    protected override MechanismStatus OnCommand(ReadOnlySpan<byte> command)
    {
        var state = _state;
        _state = State.Done; // until a command is accepted, a failure ends the handshake
        if (state == State.ExpectHello && IsCommand(command, "\u0005HELLO"u8)) return OnHello(command);
        if (state == State.ExpectInitiate && IsCommand(command, "\u0008INITIATE"u8)) return OnInitiate(command);
        return Fail($"unexpected command in the CURVE handshake (the server was at {state})", ProtocolError.UnexpectedCommand);
    }

    private MechanismStatus OnHello(ReadOnlySpan<byte> hello)
    {
        if (hello.Length != HelloBytes)
            return Fail($"CURVE HELLO of {hello.Length} bytes (expected {HelloBytes})", ProtocolError.MalformedHello);
        if (hello[6] != 1 || hello[7] != 0)
            return Fail($"CURVE HELLO of version {hello[6]}.{hello[7]} (expected 1.0)", ProtocolError.MalformedHello);
        hello.Slice(80, Sodium.KeyBytes).CopyTo(_clientShortPublic);
        ulong shortNonce = BinaryPrimitives.ReadUInt64BigEndian(hello[112..]);
        Span<byte> nonce = stackalloc byte[Sodium.NonceBytes];
        LongNonce(nonce, "CurveZMQHELLO---"u8, shortNonce);
        Span<byte> zeros = stackalloc byte[64];
        if (!Sodium.Open(zeros, hello.Slice(120, 80), nonce, _clientShortPublic, _secretKey))
            return Fail("CURVE HELLO does not open: the client expects another server key", ProtocolError.Cryptographic);
        SetPeerNonce(shortNonce);
        _state = State.SendWelcome;
        return MechanismStatus.InProgress;
    }

    private byte[] BuildWelcome()
    {
        // The cookie holds C' and s' under a key only this connection knows: the client must send it back in INITIATE.
        Sodium.Random(_cookieKey);
        Span<byte> cookieNonce = stackalloc byte[Sodium.NonceBytes];
        "COOKIE--"u8.CopyTo(cookieNonce);
        Sodium.Random(cookieNonce[8..]);
        Span<byte> cookiePlain = stackalloc byte[2 * Sodium.KeyBytes];
        _clientShortPublic.CopyTo(cookiePlain);
        ShortSecret.CopyTo(cookiePlain[Sodium.KeyBytes..]);

        // WELCOME's box holds S' and the cookie (its nonce tail, then the secret box).
        Span<byte> plain = stackalloc byte[Sodium.KeyBytes + CookieBytes];
        ShortPublic.CopyTo(plain);
        cookieNonce[8..].CopyTo(plain[Sodium.KeyBytes..]);
        Sodium.SecretBox(plain[(Sodium.KeyBytes + 16)..], cookiePlain, cookieNonce, _cookieKey);
        Sodium.Zero(cookiePlain);

        var welcome = new byte[8 + 16 + Sodium.MacBytes + plain.Length];
        "\u0007WELCOME"u8.CopyTo(welcome);
        Sodium.Random(welcome.AsSpan(8, 16));
        Span<byte> nonce = stackalloc byte[Sodium.NonceBytes];
        LongNonce(nonce, "WELCOME-"u8, welcome.AsSpan(8, 16));
        bool boxed = Sodium.Box(welcome.AsSpan(24), plain, nonce, _clientShortPublic, _secretKey);
        Sodium.Zero(plain);
        // A client short-term key of low order would make the box fail; HELLO opened with it, so this cannot happen.
        if (!boxed) throw new InvalidOperationException("libsodium could not box the CURVE WELCOME");
        return welcome;
    }

    private MechanismStatus OnInitiate(ReadOnlySpan<byte> initiate)
    {
        if (initiate.Length < InitiateMinBytes)
            return Fail($"CURVE INITIATE of {initiate.Length} bytes is too short (at least {InitiateMinBytes})", ProtocolError.MalformedInitiate);
        if (!CheckCookie(initiate.Slice(9, CookieBytes)))
            return Fail("CURVE INITIATE carries a cookie that is not this connection's", ProtocolError.Cryptographic);

        if (!Sodium.BeforeNm(Precomputed, _clientShortPublic, ShortSecret))
            return Fail("CURVE client short-term key is unusable", ProtocolError.Cryptographic);
        ulong shortNonce = BinaryPrimitives.ReadUInt64BigEndian(initiate[(9 + CookieBytes)..]);
        Span<byte> nonce = stackalloc byte[Sodium.NonceBytes];
        LongNonce(nonce, "CurveZMQINITIATE"u8, shortNonce);
        var box = initiate[(9 + CookieBytes + ShortNonceBytes)..];
        var plain = SecretBuffer(box.Length - Sodium.MacBytes);
        try
        {
            if (!Sodium.OpenAfterNm(plain, box, nonce, Precomputed))
                return Fail("CURVE INITIATE does not open", ProtocolError.Cryptographic);
            var clientKey = plain.AsSpan(0, Sodium.KeyBytes);

            // The vouch: C' and S, boxed from the client's long-term key C to S'. It proves C' speaks for C.
            Span<byte> vouchNonce = stackalloc byte[Sodium.NonceBytes];
            LongNonce(vouchNonce, "VOUCH---"u8, plain.AsSpan(Sodium.KeyBytes, 16));
            Span<byte> vouch = stackalloc byte[2 * Sodium.KeyBytes];
            if (!Sodium.Open(vouch, plain.AsSpan(Sodium.KeyBytes + 16, 80), vouchNonce, clientKey, ShortSecret))
                return Fail("CURVE INITIATE vouch does not open", ProtocolError.Cryptographic);
            if (!vouch[..Sodium.KeyBytes].SequenceEqual(_clientShortPublic) || !vouch[Sodium.KeyBytes..].SequenceEqual(_publicKey))
                return Fail("CURVE INITIATE vouch is for other keys than this connection's", ProtocolError.KeyExchange);

            SetPeerNonce(shortNonce);
            SetPeerMetadata(plain.AsSpan(128));
            _zapRequest = new ZapRequest("CURVE", [clientKey.ToArray()]);
            _state = State.AwaitingZap;
            return MechanismStatus.AwaitingZap;
        }
        finally
        {
            Sodium.Zero(plain);
        }
    }

    /// <summary>Opens the cookie with this connection's cookie key and checks that it holds our C' and s'. The key is
    /// zeroed either way: one INITIATE per cookie.</summary>
    private bool CheckCookie(ReadOnlySpan<byte> cookie)
    {
        Span<byte> nonce = stackalloc byte[Sodium.NonceBytes];
        LongNonce(nonce, "COOKIE--"u8, cookie[..16]);
        Span<byte> plain = stackalloc byte[2 * Sodium.KeyBytes];
        bool ok = Sodium.SecretOpen(plain, cookie[16..], nonce, _cookieKey)
            && plain[..Sodium.KeyBytes].SequenceEqual(_clientShortPublic)
            && plain[Sodium.KeyBytes..].SequenceEqual(ShortSecret);
        Sodium.Zero(plain);
        Sodium.Zero(_cookieKey);
        return ok;
    }

    public override MechanismStatus OnZapReply(ZapReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (_state != State.AwaitingZap) throw new InvalidOperationException("the CURVE server is not waiting for a ZAP reply");
        _state = State.Done;
        if (reply.Accepted)
        {
            _userId = reply.UserId;
            _zapMetadata = reply.Metadata;
            // READY is built now, so it takes its nonce before any MESSAGE can.
            Enqueue(BuildReady());
            IsReady = true;
            return MechanismStatus.Ready;
        }
        // libzmq sends the ZAP status code as the ERROR's reason, and reports it as the failure's value.
        bool known = int.TryParse(reply.StatusCode, out int status) && ProtocolError.IsZapStatus(status);
        Enqueue(Command.BuildError(reply.StatusCode.Length == 3 ? reply.StatusCode : "500"));
        return Refuse($"ZAP handler refused the client: {reply.StatusCode} {reply.StatusText}",
            known ? status : ProtocolError.ZapInvalidStatusCode, MechanismStatus.Refused);
    }

    private byte[] BuildReady()
    {
        var ready = new byte[6 + ShortNonceBytes + Sodium.MacBytes + Metadata.Length];
        "\u0005READY"u8.CopyTo(ready);
        ulong shortNonce = NextNonce();
        BinaryPrimitives.WriteUInt64BigEndian(ready.AsSpan(6), shortNonce);
        Span<byte> nonce = stackalloc byte[Sodium.NonceBytes];
        LongNonce(nonce, "CurveZMQREADY---"u8, shortNonce);
        Sodium.BoxAfterNm(ready.AsSpan(6 + ShortNonceBytes), Metadata, nonce, Precomputed);
        return ready;
    }

    protected override void ForgetSecrets()
    {
        Sodium.Zero(_secretKey);
        Sodium.Zero(_cookieKey);
    }
}
