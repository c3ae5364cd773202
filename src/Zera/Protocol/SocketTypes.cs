namespace Zera.Protocol;

/// <summary>Socket-type names on the wire and which pairs may talk (RFC 23 §The Socket-Type property).</summary>
internal static class SocketTypes
{
    public static string Name(SocketType type) => type switch
    {
        SocketType.Pair => "PAIR",
        SocketType.Pub => "PUB",
        SocketType.Sub => "SUB",
        SocketType.Req => "REQ",
        SocketType.Rep => "REP",
        SocketType.Dealer => "DEALER",
        SocketType.Router => "ROUTER",
        SocketType.Pull => "PULL",
        SocketType.Push => "PUSH",
        SocketType.XPub => "XPUB",
        SocketType.XSub => "XSUB",
        _ => type.ToString().ToUpperInvariant(),
    };

    public static bool TryParse(string name, out SocketType type)
    {
        foreach (var t in Enum.GetValues<SocketType>())
        {
            if (string.Equals(Name(t), name, StringComparison.OrdinalIgnoreCase))
            {
                type = t;
                return true;
            }
        }
        type = default;
        return false;
    }

    /// <summary>True when a socket of type <paramref name="self"/> accepts a peer of type <paramref name="peer"/>.</summary>
    public static bool Compatible(SocketType self, SocketType peer) => self switch
    {
        SocketType.Pair => peer == SocketType.Pair,
        SocketType.Req => peer is SocketType.Rep or SocketType.Router,
        SocketType.Rep => peer is SocketType.Req or SocketType.Dealer,
        SocketType.Dealer => peer is SocketType.Rep or SocketType.Dealer or SocketType.Router,
        SocketType.Router => peer is SocketType.Req or SocketType.Dealer or SocketType.Router,
        SocketType.Pull => peer == SocketType.Push,
        SocketType.Push => peer == SocketType.Pull,
        SocketType.Pub => peer is SocketType.Sub or SocketType.XSub,
        SocketType.XPub => peer is SocketType.Sub or SocketType.XSub,
        SocketType.Sub => peer is SocketType.Pub or SocketType.XPub,
        SocketType.XSub => peer is SocketType.Pub or SocketType.XPub,
        _ => false,
    };

    /// <summary>The socket-type octet of a ZMTP 2.0 greeting (RFC 15): XPUB and XSUB travel as PUB and SUB.</summary>
    public static byte Zmtp2Code(SocketType type) => type switch
    {
        SocketType.XPub => (byte)SocketType.Pub,
        SocketType.XSub => (byte)SocketType.Sub,
        _ => (byte)type,
    };

    /// <summary>The socket type a ZMTP 2.0 greeting's octet names (0 PAIR to 8 PUSH), if any.</summary>
    public static bool TryParseZmtp2(byte code, out SocketType type)
    {
        type = (SocketType)code;
        return code <= (byte)SocketType.Push;
    }

    /// <summary>Types that announce their routing id in READY (as libzmq does).</summary>
    public static bool SendsIdentity(SocketType type) => type is SocketType.Req or SocketType.Dealer or SocketType.Router;
}
