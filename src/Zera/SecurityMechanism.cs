namespace Zera;

/// <summary>ZMQ_MECHANISM: the security mechanism a socket's tcp and ipc connections use (RFC 23 §Security). Both
/// ends must use the same one; inproc connections have none.</summary>
public enum SecurityMechanism
{
    /// <summary>ZMQ_NULL: no security (the default); a ZAP handler is still asked when a ZAP domain is set.</summary>
    Null = 0,

    /// <summary>ZMQ_PLAIN (RFC 24): a username and password in clear text, checked by the server's ZAP handler.</summary>
    Plain = 1,

    /// <summary>ZMQ_CURVE (RFC 25, 26): encryption and authentication by long-term CurveZMQ keys.</summary>
    Curve = 2,
}
