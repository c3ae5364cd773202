namespace Zera.Protocol.Mechanisms;

/// <summary>
/// The CURVE client (RFC 25/26, libzmq's wire form): sends HELLO, takes the server's WELCOME, sends INITIATE with its
/// long-term public key vouched for and its metadata, and is ready on the server's READY. An ERROR from the server
/// ends the handshake as <see cref="MechanismStatus.PeerError"/>.
/// </summary>
/// <remarks>Threading and lifetime as <see cref="CurveMechanism"/>: dispose it once the connection has ended.</remarks>
internal sealed class CurveClientMechanism : CurveMechanism
{
    // HELLO: name (6), version (2), anti-amplification padding (72), C' (32), short nonce (8), box of 64 zeros (80).
    private const int HelloBytes = 200;
    // WELCOME: name (8), 16-byte nonce tail, box (16 + S' 32 + cookie 96).
    private const int WelcomeBytes = 168;
    private const int CookieBytes = 96;
    // READY: name (6), short nonce (8), at least the box's tag.
    private const int ReadyMinBytes = 6 + ShortNonceBytes + Sodium.MacBytes;

    private readonly byte[] _serverPublic;
    private readonly byte[] _publicKey;
    private readonly byte[] _secretKey = SecretBuffer(Sodium.KeyBytes);
    private readonly byte[] _serverShortPublic = new byte[Sodium.KeyBytes];
    private readonly byte[] _cookie = new byte[CookieBytes];
    private State _state = State.SendHello;

    private enum State
    {
        SendHello,
        ExpectWelcome,
        SendInitiate,
        ExpectReady,
        Done,
    }

    /// <summary>A client that expects the server whose long-term public key is <paramref name="serverPublicKey"/> and
    /// proves itself with its own long-term key pair; <paramref name="properties"/> go into INITIATE's metadata
    /// (Socket-Type, Identity...). Each key is 32 bytes.</summary>
    public CurveClientMechanism(ReadOnlySpan<byte> serverPublicKey, ReadOnlySpan<byte> clientPublicKey, ReadOnlySpan<byte> clientSecretKey,
        params ReadOnlySpan<(string Name, byte[] Value)> properties)
        : base(sendPrefix: "CurveZMQMESSAGEC", receivePrefix: "CurveZMQMESSAGES", properties)
    {
        CheckKey(serverPublicKey, nameof(serverPublicKey));
        CheckKey(clientPublicKey, nameof(clientPublicKey));
        CheckKey(clientSecretKey, nameof(clientSecretKey));
        _serverPublic = serverPublicKey.ToArray();
        _publicKey = clientPublicKey.ToArray();
        clientSecretKey.CopyTo(_secretKey);
    }

    public override bool AsServer => false;

    protected override void OnTakeCommand()
    {
        switch (_state)
        {
            case State.SendHello:
                Enqueue(BuildHello());
                _state = State.ExpectWelcome;
                break;
            case State.SendInitiate:
                Enqueue(BuildInitiate());
                _state = State.ExpectReady;
                break;
        }
    }

    protected override MechanismStatus OnCommand(ReadOnlySpan<byte> command)
    {
        if (IsCommand(command, "\u0007WELCOME"u8) && _state == State.ExpectWelcome) return OnWelcome(command);
        if (IsCommand(command, "\u0005READY"u8) && _state == State.ExpectReady) return OnReady(command);
        if (IsCommand(command, "\u0005ERROR"u8) && _state is State.ExpectWelcome or State.ExpectReady) return OnError(command);
        var expected = _state;
        _state = State.Done;
        return Fail($"unexpected command in the CURVE handshake (the client was at {expected})", ProtocolError.UnexpectedCommand);
    }

    private byte[] BuildHello()
    {
        var hello = new byte[HelloBytes];
        "\u0005HELLO"u8.CopyTo(hello);
        hello[6] = 1; // CurveZMQ 1.0
        hello[7] = 0;
        // Bytes 8..79 stay zero: the padding makes HELLO as large as WELCOME, so the server cannot be used to amplify.
        ShortPublic.CopyTo(hello, 80);
        ulong shortNonce = NextNonce();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(hello.AsSpan(112), shortNonce);
        Span<byte> nonce = stackalloc byte[Sodium.NonceBytes];
        LongNonce(nonce, "CurveZMQHELLO---"u8, shortNonce);
        // A box of 64 zero bytes from C' to S: it shows the server that we know its public key.
        Span<byte> zeros = stackalloc byte[64];
        zeros.Clear();
        Sodium.Box(hello.AsSpan(120, 80), zeros, nonce, _serverPublic, ShortSecret);
        return hello;
    }

    private MechanismStatus OnWelcome(ReadOnlySpan<byte> welcome)
    {
        _state = State.Done;
        // libzmq reports a WELCOME of the wrong size as a cryptographic failure, as it does a box that will not open.
        if (welcome.Length != WelcomeBytes)
            return Fail($"CURVE WELCOME of {welcome.Length} bytes (expected {WelcomeBytes})", ProtocolError.Cryptographic);
        Span<byte> nonce = stackalloc byte[Sodium.NonceBytes];
        LongNonce(nonce, "WELCOME-"u8, welcome.Slice(8, 16));
        Span<byte> plain = stackalloc byte[Sodium.KeyBytes + CookieBytes];
        try
        {
            if (!Sodium.Open(plain, welcome[24..], nonce, _serverPublic, ShortSecret))
                return Fail("CURVE WELCOME does not open: the server does not hold the secret key of the public key we expect", ProtocolError.Cryptographic);
            plain[..Sodium.KeyBytes].CopyTo(_serverShortPublic);
            plain[Sodium.KeyBytes..].CopyTo(_cookie);
            if (!Sodium.BeforeNm(Precomputed, _serverShortPublic, ShortSecret))
                return Fail("CURVE WELCOME carries an unusable short-term key", ProtocolError.Cryptographic);
        }
        finally
        {
            Sodium.Zero(plain);
        }
        _state = State.SendInitiate;
        return MechanismStatus.InProgress;
    }

    private byte[] BuildInitiate()
    {
        // The vouch: C' and S boxed from our long-term key to S', proving that C' speaks for C.
        Span<byte> vouchNonce = stackalloc byte[Sodium.NonceBytes];
        "VOUCH---"u8.CopyTo(vouchNonce);
        Sodium.Random(vouchNonce[8..]);
        Span<byte> vouchPlain = stackalloc byte[2 * Sodium.KeyBytes];
        ShortPublic.CopyTo(vouchPlain);
        _serverPublic.CopyTo(vouchPlain[Sodium.KeyBytes..]);

        // The box's plaintext: C, the vouch's nonce tail and box, then our metadata.
        int plainLength = Sodium.KeyBytes + 16 + 80 + Metadata.Length;
        var plain = SecretBuffer(plainLength);
        _publicKey.CopyTo(plain, 0);
        vouchNonce[8..].CopyTo(plain.AsSpan(Sodium.KeyBytes));
        if (!Sodium.Box(plain.AsSpan(Sodium.KeyBytes + 16, 80), vouchPlain, vouchNonce, _serverShortPublic, _secretKey))
            throw new InvalidOperationException("libsodium could not box the CURVE vouch");
        Metadata.CopyTo(plain.AsSpan(Sodium.KeyBytes + 16 + 80));

        var initiate = new byte[9 + CookieBytes + ShortNonceBytes + Sodium.MacBytes + plainLength];
        "\u0008INITIATE"u8.CopyTo(initiate);
        _cookie.CopyTo(initiate, 9);
        ulong shortNonce = NextNonce();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(initiate.AsSpan(9 + CookieBytes), shortNonce);
        Span<byte> nonce = stackalloc byte[Sodium.NonceBytes];
        LongNonce(nonce, "CurveZMQINITIATE"u8, shortNonce);
        Sodium.BoxAfterNm(initiate.AsSpan(9 + CookieBytes + ShortNonceBytes), plain, nonce, Precomputed);
        Sodium.Zero(plain);
        // The cookie is good for this one INITIATE only.
        Sodium.Zero(_cookie);
        return initiate;
    }

    private MechanismStatus OnReady(ReadOnlySpan<byte> ready)
    {
        _state = State.Done;
        if (ready.Length < ReadyMinBytes)
            return Fail($"CURVE READY of {ready.Length} bytes is too short", ProtocolError.MalformedReady);
        ulong shortNonce = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(ready[6..]);
        Span<byte> nonce = stackalloc byte[Sodium.NonceBytes];
        LongNonce(nonce, "CurveZMQREADY---"u8, shortNonce);
        var box = ready[(6 + ShortNonceBytes)..];
        var metadata = new byte[box.Length - Sodium.MacBytes];
        if (!Sodium.OpenAfterNm(metadata, box, nonce, Precomputed))
            return Fail("CURVE READY does not open", ProtocolError.Cryptographic);
        SetPeerNonce(shortNonce);
        SetPeerMetadata(metadata);
        IsReady = true;
        return MechanismStatus.Ready;
    }

    private MechanismStatus OnError(ReadOnlySpan<byte> error)
    {
        _state = State.Done;
        if (!Command.TryErrorReason(error[6..], out var reason))
            return Fail("malformed ERROR command", ProtocolError.MalformedError);
        // A ZAP status code (the server's handler refused us) is reported as such; any other reason has no number.
        int code = reason.Length == 3 && int.TryParse(reason, out int status) && ProtocolError.IsZapStatus(status)
            ? status
            : ProtocolError.Unspecified;
        return Refuse("peer refused the handshake: " + reason, code, MechanismStatus.PeerError);
    }

    protected override void ForgetSecrets()
    {
        Sodium.Zero(_secretKey);
        Sodium.Zero(_cookie);
    }

    private static void CheckKey(ReadOnlySpan<byte> key, string name)
    {
        if (key.Length != Sodium.KeyBytes) throw new ArgumentException($"a CURVE key is {Sodium.KeyBytes} bytes, not {key.Length}", name);
    }
}
