namespace Zera.Protocol.Mechanisms;

/// <summary>
/// What a server-side mechanism asks the ZAP handler (RFC 27) once it has the client's credentials: the mechanism's
/// name and its credential frames (PLAIN: username, password; CURVE: the client's long-term public key; NULL: none).
/// The connection adds version, request id, domain, address and routing id, sends it, and hands the answer back
/// through <see cref="IMechanism.OnZapReply"/>.
/// </summary>
internal sealed record ZapRequest(string Mechanism, byte[][] Credentials);

/// <summary>
/// The ZAP handler's answer (RFC 27), or the one the connection makes up when no handler is bound (libzmq accepts
/// every peer then, unless ZAP_ENFORCE_DOMAIN): status code "200" accepts; "300", "400", "500" refuse.
/// </summary>
internal sealed record ZapReply(string StatusCode, string StatusText, string UserId, IReadOnlyDictionary<string, byte[]> Metadata)
{
    /// <summary>The answer that accepts with no user id and no metadata (no handler bound).</summary>
    public static ZapReply Accept { get; } = new("200", "OK", "", new Dictionary<string, byte[]>());

    /// <summary>True for "200".</summary>
    public bool Accepted => StatusCode == "200";
}
