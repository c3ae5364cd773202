using System.Text;

namespace Zera;

public sealed partial class ZeraSocket
{
    /// <summary>ZMQ_MECHANISM: the security mechanism this socket's tcp and ipc connections use, chosen by the last of
    /// the PLAIN and CURVE options set (as in libzmq). Read-only; <see cref="SecurityMechanism.Null"/> by default.</summary>
    public SecurityMechanism Mechanism => _options.Mechanism;

    /// <summary>ZMQ_PLAIN_SERVER: true makes this socket the PLAIN server of its connections (RFC 24): it takes the
    /// clients' usernames and passwords to the ZAP handler bound at <c>inproc://zeromq.zap.01</c> in its context
    /// (see <see cref="ZapAuthenticator"/>), and without one refuses every client, as libzmq does. Selects
    /// <see cref="SecurityMechanism.Plain"/>; false selects <see cref="SecurityMechanism.Null"/>. Applies to
    /// connections made after the change.</summary>
    public bool PlainServer
    {
        get => _options.AsServer && _options.Mechanism == SecurityMechanism.Plain;
        set
        {
            Settable.AsServer = value;
            Settable.Mechanism = value ? SecurityMechanism.Plain : SecurityMechanism.Null;
        }
    }

    /// <summary>ZMQ_PLAIN_USERNAME: the username this socket, a PLAIN client, sends; 1 to 255 bytes of UTF-8.
    /// Setting it selects <see cref="SecurityMechanism.Plain"/> as a client; null selects
    /// <see cref="SecurityMechanism.Null"/>. Applies to connections made after the change.</summary>
    public string? PlainUsername
    {
        get => _options.PlainUsername;
        set => SetPlainCredential(ref Settable.PlainUsername, value);
    }

    /// <summary>ZMQ_PLAIN_PASSWORD: the password this socket, a PLAIN client, sends; 1 to 255 bytes of UTF-8.
    /// Setting it selects <see cref="SecurityMechanism.Plain"/> as a client; null selects
    /// <see cref="SecurityMechanism.Null"/>. Applies to connections made after the change.</summary>
    public string? PlainPassword
    {
        get => _options.PlainPassword;
        set => SetPlainCredential(ref Settable.PlainPassword, value);
    }

    /// <summary>ZMQ_CURVE_SERVER: true makes this socket the CURVE server of its connections (it needs
    /// <see cref="CurveSecretKey"/>). Selects <see cref="SecurityMechanism.Curve"/>; false selects
    /// <see cref="SecurityMechanism.Null"/>. Applies to connections made after the change.</summary>
    public bool CurveServer
    {
        get => _options.AsServer && _options.Mechanism == SecurityMechanism.Curve;
        set
        {
            Settable.AsServer = value;
            Settable.Mechanism = value ? SecurityMechanism.Curve : SecurityMechanism.Null;
        }
    }

    /// <summary>ZMQ_CURVE_PUBLICKEY: this socket's long-term public key: 32 bytes, or the 40 bytes of its Z85 text
    /// (read back as the 32 bytes). Selects <see cref="SecurityMechanism.Curve"/>. Null until set.</summary>
    public byte[]? CurvePublicKey
    {
        get => CopyOf(_options.CurvePublicKey);
        set => Settable.CurvePublicKey = SetCurveKey(value);
    }

    /// <summary>ZMQ_CURVE_PUBLICKEY as its 40-character Z85 text.</summary>
    public string? CurvePublicKeyZ85
    {
        get => Z85Of(_options.CurvePublicKey);
        set => Settable.CurvePublicKey = SetCurveKey(value);
    }

    /// <summary>ZMQ_CURVE_SECRETKEY: this socket's long-term secret key: 32 bytes, or the 40 bytes of its Z85 text
    /// (read back as the 32 bytes). Selects <see cref="SecurityMechanism.Curve"/>. Null until set.</summary>
    public byte[]? CurveSecretKey
    {
        get => CopyOf(_options.CurveSecretKey);
        set => Settable.CurveSecretKey = SetCurveKey(value);
    }

    /// <summary>ZMQ_CURVE_SECRETKEY as its 40-character Z85 text.</summary>
    public string? CurveSecretKeyZ85
    {
        get => Z85Of(_options.CurveSecretKey);
        set => Settable.CurveSecretKey = SetCurveKey(value);
    }

    /// <summary>ZMQ_CURVE_SERVERKEY: the public key of the server this socket, a CURVE client, connects to: 32
    /// bytes, or the 40 bytes of its Z85 text. Selects <see cref="SecurityMechanism.Curve"/> as a client. Null until
    /// set.</summary>
    public byte[]? CurveServerKey
    {
        get => CopyOf(_options.CurveServerKey);
        set
        {
            Settable.CurveServerKey = SetCurveKey(value);
            Settable.AsServer = false;
        }
    }

    /// <summary>ZMQ_CURVE_SERVERKEY as its 40-character Z85 text.</summary>
    public string? CurveServerKeyZ85
    {
        get => Z85Of(_options.CurveServerKey);
        set
        {
            Settable.CurveServerKey = SetCurveKey(value);
            Settable.AsServer = false;
        }
    }

    /// <summary>ZMQ_ZAP_DOMAIN: the domain sent to the ZAP handler with each request (up to 255 bytes of UTF-8;
    /// null is ""). With NULL security, setting one makes this socket ask the ZAP handler about every peer, as
    /// libzmq does. Default "". Applies to connections made after the change.</summary>
    public string ZapDomain
    {
        get => _options.ZapDomain;
        set
        {
            value ??= "";
            if (Encoding.UTF8.GetByteCount(value) > 255) Guard.ThrowArgument(nameof(ZapDomain), "must be at most 255 bytes of UTF-8");
            Settable.ZapDomain = value;
        }
    }

    /// <summary>ZMQ_ZAP_ENFORCE_DOMAIN: true refuses peers when the ZAP handler the mechanism would ask is not bound
    /// (NULL with a <see cref="ZapDomain"/>, CURVE), where false lets them in unauthenticated. PLAIN always needs
    /// the handler. Default false.</summary>
    public bool ZapEnforceDomain
    {
        get => _options.ZapEnforceDomain;
        set => Settable.ZapEnforceDomain = value;
    }

    private void SetPlainCredential(ref string field, string? value, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        if (value == null)
        {
            _options.Mechanism = SecurityMechanism.Null;
            return;
        }
        int bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes is < 1 or > 255) Guard.ThrowOutOfRange(name, bytes, "must be 1 to 255 bytes of UTF-8 (null turns PLAIN off)");
        field = value;
        _options.AsServer = false;
        _options.Mechanism = SecurityMechanism.Plain;
    }

    private byte[]? SetCurveKey(byte[]? value, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        ArgumentNullException.ThrowIfNull(value, name);
        var key = SecurityKeys.Parse(name, value);
        _options.Mechanism = SecurityMechanism.Curve;
        return key;
    }

    private byte[]? SetCurveKey(string? value, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        ArgumentNullException.ThrowIfNull(value, name);
        var key = SecurityKeys.Parse(name, value);
        _options.Mechanism = SecurityMechanism.Curve;
        return key;
    }

    /// <summary>CURVE cannot start without its keys: a server needs its key pair, a client its key pair and the
    /// server's public key. Checked at bind and connect, so the mistake shows there rather than as failed handshakes.</summary>
    private void CheckSecurityKeys()
    {
        if (_options.Mechanism != SecurityMechanism.Curve) return;
        string? missing = _options.CurvePublicKey == null ? nameof(CurvePublicKey)
            : _options.CurveSecretKey == null ? nameof(CurveSecretKey)
            : !_options.AsServer && _options.CurveServerKey == null ? nameof(CurveServerKey)
            : null;
        if (missing != null)
            throw new ZeraException(ErrorKind.InvalidState,
                $"CURVE {(_options.AsServer ? "server" : "client")} needs {missing} set before it binds or connects");
    }

    private static byte[]? CopyOf(byte[]? key) => key == null ? null : (byte[])key.Clone();

    private static string? Z85Of(byte[]? key) => key == null ? null : SecurityKeys.Format(key);
}
