using System.Collections;
using System.Text;

namespace Zera;

/// <summary>
/// The metadata properties of a received message (zmq_msg_gets), which are those of the peer that sent it: what its
/// handshake announced (<c>Socket-Type</c>, <c>Identity</c> and any other property), <c>User-Id</c> and any
/// metadata the ZAP handler gave when it accepted the peer, and <c>Peer-Address</c> (the IP address for tcp,
/// ":uid:gid:pid" for ipc on Linux). Names are case-insensitive, as in ZMTP. <c>Routing-Id</c> (the name libzmq's
/// header gives the property) and <c>Identity</c> (the name ZMTP sends it under) read the same value. Messages over
/// inproc have none.
/// </summary>
/// <remarks>Immutable and thread-safe. Get one from <see cref="ZeraSocket.LastMessageProperties"/> right after a
/// receive.</remarks>
public sealed class MessageProperties : IEnumerable<KeyValuePair<string, string>>
{
    private static readonly IReadOnlyDictionary<string, byte[]> s_none = new Dictionary<string, byte[]>();

    private const string RoutingIdName = "Routing-Id";
    private const string IdentityName = "Identity";

    private readonly IReadOnlyDictionary<string, byte[]> _values;

    internal MessageProperties(IReadOnlyDictionary<string, byte[]>? values) => _values = values ?? s_none;

    /// <summary>No properties (a message over inproc, or nothing received yet).</summary>
    public static MessageProperties Empty { get; } = new(null);

    /// <summary>How many properties there are.</summary>
    public int Count => _values.Count;

    /// <summary>The value of property <paramref name="name"/> as UTF-8 text (zmq_msg_gets), null when the message has
    /// no such property.</summary>
    public string? this[string name] => TryGetBytes(name, out var value) ? Encoding.UTF8.GetString(value) : null;

    /// <summary>The value of property <paramref name="name"/> as its bytes (a routing id need not be text); false when
    /// the message has no such property.</summary>
    public bool TryGetBytes(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_values.TryGetValue(name, out var bytes)
            || (string.Equals(name, RoutingIdName, StringComparison.OrdinalIgnoreCase)
                && _values.TryGetValue(IdentityName, out bytes))
            || (string.Equals(name, IdentityName, StringComparison.OrdinalIgnoreCase)
                && _values.TryGetValue(RoutingIdName, out bytes)))
        {
            value = (byte[])bytes.Clone();
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>"User-Id": the identity the ZAP handler gave the peer (the PLAIN username, the CURVE key in Z85 with
    /// <see cref="ZapAuthenticator"/>); null when no ZAP handler was asked.</summary>
    public string? UserId => this["User-Id"];

    /// <summary>"Routing-Id" (sent as "Identity"): the routing id the peer announced, as its bytes; null when it
    /// announced none or over inproc. A copy: changing it changes nothing.</summary>
    public byte[]? RoutingId => TryGetBytes(RoutingIdName, out var value) ? value : null;

    /// <summary>"Peer-Address": the peer's IP address (tcp) or ":uid:gid:pid" (ipc, Linux); null over inproc.</summary>
    public string? PeerAddress => this["Peer-Address"];

    /// <summary>"Socket-Type": the peer's socket type as ZMTP names it ("DEALER"); null over inproc.</summary>
    public string? SocketType => this["Socket-Type"];

    /// <summary>Every property, its value as UTF-8 text.</summary>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        foreach (var (name, value) in _values) yield return new(name, Encoding.UTF8.GetString(value));
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
