using System.Buffers.Binary;

namespace Zera.Protocol;

/// <summary>The ZMTP version a peer speaks, as its greeting showed.</summary>
internal enum ZmtpVersion
{
    /// <summary>Not known yet.</summary>
    Unknown,

    /// <summary>ZMTP 1.0 (RFC 13): no greeting beyond an identity frame; length-first framing.</summary>
    Zmtp10,

    /// <summary>ZMTP 2.0 (RFC 15): signature, revision 1, socket type, identity; no commands.</summary>
    Zmtp20,

    /// <summary>ZMTP 3.0 (RFC 23).</summary>
    Zmtp30,

    /// <summary>ZMTP 3.1 (RFC 37) or later.</summary>
    Zmtp31,
}

/// <summary>
/// Greeting negotiation, as libzmq does it so that older peers can be served (RFC 15 §Backwards Interoperability,
/// RFC 23 §Version Negotiation): we send the 10-byte signature, whose padding is our identity's length plus one so
/// that a ZMTP 1.0 peer reads it as the header of our identity frame; the peer's first byte (not 0xFF) or tenth
/// (bit 0 clear) may show ZMTP 1.0, else we send our major version (3); the peer's revision octet then decides the
/// rest: ZMTP 2.0 (and 1.0 with a signature) get our socket type and identity, ZMTP 3.x the rest of the 64-byte
/// greeting and the mechanism's handshake.
/// </summary>
internal sealed partial class ZmtpConnection
{
    // 0xFF, eight bytes of padding, 0x7F (Greeting.SignatureSize counts the major version too).
    private const int SignatureSize = 10;
    private const int RevisionAt = 10;
    private const int V2GreetingSize = 12;

    // Input side (the receive loop): the peer's greeting so far, and how long it will be as far as we know.
    private readonly byte[] _peerGreeting = new byte[Greeting.Size];
    private int _peerGreetingHave;
    private int _peerGreetingSize = SignatureSize;
    private byte[]? _replay;

    // A ZMTP 1.0 peer without a signature (ZeroMQ 2.x) never sends subscriptions: its SUB filters for itself. As
    // libzmq does, a publisher subscribes such a peer to everything on its behalf once the handshake is done.
    // (ZMTP 2.0 peers, and 1.0 framing behind a signature, send their subscriptions, so they get none.)
    private bool _phantomSubscriptionDue;

    // Set by the receive side before the handshake completes; read by the send side only after it did.
    private volatile ZmtpFraming _framing = ZmtpFraming.V3;

    /// <summary>The peer's protocol version, once its greeting showed it.</summary>
    public ZmtpVersion PeerVersion { get; private set; }

    /// <summary>The frame syntax negotiated with the peer: the driver encodes message frames in it.</summary>
    public ZmtpFraming Framing => _framing;

    private byte[] Signature()
    {
        var signature = new byte[SignatureSize];
        signature[0] = 0xFF;
        BinaryPrimitives.WriteUInt64BigEndian(signature.AsSpan(1), (ulong)_settings.RoutingId.Length + 1);
        signature[9] = 0x7F;
        return signature;
    }

    /// <summary>Takes greeting bytes up to each point where the peer's version can be told; returns how many.</summary>
    private int TakeGreeting(ReadOnlySpan<byte> input)
    {
        int consumed = 0;
        while (_state == ZmtpState.Greeting && consumed < input.Length)
        {
            int next = _peerGreetingHave == 0 ? 1 : _peerGreetingHave < SignatureSize ? SignatureSize : _peerGreetingSize;
            int n = Math.Min(next - _peerGreetingHave, input.Length - consumed);
            input.Slice(consumed, n).CopyTo(_peerGreeting.AsSpan(_peerGreetingHave));
            _peerGreetingHave += n;
            consumed += n;
            if (_peerGreetingHave == next) OnGreetingProgress();
        }
        return consumed;
    }

    private void OnGreetingProgress()
    {
        if (_peerGreetingHave == 1)
        {
            if (_peerGreeting[0] != 0xFF) StartZmtp10();
            return;
        }
        if (_peerGreetingHave == SignatureSize)
        {
            if ((_peerGreeting[9] & 1) == 0)
            {
                StartZmtp10();
                return;
            }
            Enqueue([3]); // our major version; the rest depends on the peer's
            _peerGreetingSize = SignatureSize + 1;
            return;
        }
        if (_peerGreetingHave == SignatureSize + 1)
        {
            byte revision = _peerGreeting[RevisionAt];
            if (revision < 2)
            {
                // ZMTP 2.0 (revision 1), or 1.0 framing behind a signature (revision 0), as libzmq answers them.
                _framing = revision == 1 ? ZmtpFraming.V2 : ZmtpFraming.V1;
                Enqueue([SocketTypes.Zmtp2Code(_settings.SocketType)]);
                Enqueue(IdentityFrame(_framing));
                _peerGreetingSize = V2GreetingSize;
            }
            else
            {
                var rest = new byte[Greeting.Size];
                Greeting.Write(rest, _mechanism.Name, _mechanism.AsServer);
                Enqueue(rest[(SignatureSize + 1)..]);
                _peerGreetingSize = Greeting.Size;
            }
            return;
        }
        if (_peerGreetingSize == V2GreetingSize)
        {
            FinishZmtp2();
            return;
        }
        FinishZmtp3();
    }

    /// <summary>ZMTP 1.0: what the peer sent so far was the start of its identity frame; ours is the 10 bytes we
    /// sent, then our identity.</summary>
    private void StartZmtp10()
    {
        if (!RefuseOldPeerUnlessNull()) return;
        PeerVersion = ZmtpVersion.Zmtp10;
        PeerType = AssumedPeerType(_settings.SocketType); // ZMTP 1.0 does not say; libzmq accepts any
        _phantomSubscriptionDue = _settings.SocketType is SocketType.Pub or SocketType.XPub;
        _framing = ZmtpFraming.V1;
        _decoder.Framing = ZmtpFraming.V1;
        if (_settings.RoutingId.Length > 0) Enqueue(_settings.RoutingId);
        _replay = _peerGreeting[.._peerGreetingHave];
        _state = ZmtpState.Handshake;
    }

    private void FinishZmtp2()
    {
        if (!RefuseOldPeerUnlessNull()) return;
        PeerVersion = _framing == ZmtpFraming.V2 ? ZmtpVersion.Zmtp20 : ZmtpVersion.Zmtp10;
        byte code = _peerGreeting[RevisionAt + 1];
        if (!SocketTypes.TryParseZmtp2(code, out var peerType))
        {
            Fail(ConnectionEnd.Malformed, $"unknown socket type {code} in a ZMTP 2.0 greeting");
            return;
        }
        if (!SocketTypes.Compatible(_settings.SocketType, peerType))
        {
            // RFC 15: silently disconnect (ZMTP 2.0 has no ERROR command).
            Fail(ConnectionEnd.Refused, $"a {SocketTypes.Name(_settings.SocketType)} socket cannot talk to a {SocketTypes.Name(peerType)} socket");
            return;
        }
        PeerType = peerType;
        _decoder.Framing = _framing;
        _state = ZmtpState.Handshake; // the peer's identity frame completes it
    }

    private void FinishZmtp3()
    {
        var greeting = Greeting.Parse(_peerGreeting);
        PeerVersion = greeting.Major > 3 || greeting.Minor >= 1 ? ZmtpVersion.Zmtp31 : ZmtpVersion.Zmtp30;
        if (greeting.Mechanism != _mechanism.Name)
        {
            Fail(ConnectionEnd.Refused, $"the peer's security mechanism is {greeting.Mechanism}, ours is {_mechanism.Name}",
                ProtocolError.MechanismMismatch);
            return;
        }
        _state = ZmtpState.Handshake;
        PumpMechanism();
    }

    /// <summary>Older peers have no security mechanism: only a NULL socket talks to them (libzmq likewise refuses
    /// them when authentication is on).</summary>
    private bool RefuseOldPeerUnlessNull()
    {
        if (_mechanism.Name == "NULL") return true;
        Fail(ConnectionEnd.Refused, $"a ZMTP 1.0 or 2.0 peer cannot use the {_mechanism.Name} mechanism", ProtocolError.MechanismMismatch);
        return false;
    }

    /// <summary>Our identity as the first message frame, in the old versions' framing.</summary>
    private byte[] IdentityFrame(ZmtpFraming framing)
    {
        var id = _settings.RoutingId;
        var frame = new byte[FrameHeader.MaxSizeAnyVersion + id.Length];
        int n = FrameHeader.Write(frame, id.Length, more: false, framing);
        id.CopyTo(frame, n);
        return frame[..(n + id.Length)];
    }

    private static SocketType AssumedPeerType(SocketType self) => self switch
    {
        SocketType.Pair => SocketType.Pair,
        SocketType.Pub or SocketType.XPub => SocketType.Sub,
        SocketType.Sub or SocketType.XSub => SocketType.Pub,
        SocketType.Req => SocketType.Rep,
        SocketType.Rep => SocketType.Req,
        SocketType.Dealer or SocketType.Router => SocketType.Dealer,
        SocketType.Pull => SocketType.Push,
        SocketType.Push => SocketType.Pull,
        _ => self,
    };
}
