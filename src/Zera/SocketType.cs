namespace Zera;

/// <summary>
/// ZeroMQ socket types. The numeric values are libzmq's (ZMQ_PAIR = 0 ...), so they can be exchanged with other tools.
/// </summary>
public enum SocketType
{
    /// <summary>Exclusive pair: one peer, bidirectional (RFC 31).</summary>
    Pair = 0,
    /// <summary>Publisher (not yet implemented).</summary>
    Pub = 1,
    /// <summary>Subscriber (not yet implemented).</summary>
    Sub = 2,
    /// <summary>Request: strict send/receive alternation, load-balanced out (RFC 28).</summary>
    Req = 3,
    /// <summary>Reply: strict receive/send alternation, replies routed back to the requester (RFC 28).</summary>
    Rep = 4,
    /// <summary>Dealer: load-balanced out, fair-queued in, no envelope handling (RFC 28).</summary>
    Dealer = 5,
    /// <summary>Router: addresses each peer by a routing-id frame (RFC 28).</summary>
    Router = 6,
    /// <summary>Pull: fair-queued in, cannot send (RFC 30).</summary>
    Pull = 7,
    /// <summary>Push: load-balanced out, cannot receive (RFC 30).</summary>
    Push = 8,
    /// <summary>Extended publisher (not yet implemented).</summary>
    XPub = 9,
    /// <summary>Extended subscriber (not yet implemented).</summary>
    XSub = 10,
}
