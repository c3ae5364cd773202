using System.Buffers.Binary;
using Zera.Core;

namespace Zera.Patterns;

/// <summary>
/// ROUTER (RFC 28): every received message is prefixed with the sending peer's routing id; a sent message's first
/// frame names the peer. Unroutable messages are dropped, or fail with HostUnreachable under ROUTER_MANDATORY.
/// </summary>
internal sealed class RouterPattern : Pattern
{
    private readonly FairQueue _fq = new();

    public override Link? LastPeer => _fq.LastFrom;
    private readonly Dictionary<byte[], Link> _byId = new(ByteArrayComparer.Instance);
    private uint _nextId = (uint)Random.Shared.Next();
    private bool _prefixSent;
    private Frame _pending;
    private bool _hasPending;
    private Link? _sendTo;
    private bool _sendDropping;
    private bool _sendMidMessage;

    public RouterPattern(SocketOptions options) : base(options) { }

    public override bool Attach(Link link)
    {
        if (Options.ProbeRouter) DealerPattern.SendProbe(link);
        // A connecting link whose peer is not known yet waits, unroutable, for its handshake (libzmq's anonymous pipes).
        return !link.PeerKnown || Identify(link);
    }

    public override void OnPeerIdentified(Link link)
    {
        if (link.RoutingId.Length > 0 || link.Out.IsReaderClosed) return; // already routable, or gone
        if (!Identify(link)) link.CloseFromSocket(Refusal);
    }

    public override string Refusal => "the peer's routing id is already in use (ROUTER_HANDOVER is off)";

    /// <summary>Makes the link routable under the id its peer announced (or a generated one); false when that id is
    /// taken and ROUTER_HANDOVER is off.</summary>
    private bool Identify(Link link)
    {
        byte[] id = link.PeerRoutingId;
        if (id.Length > 0)
        {
            if (_byId.TryGetValue(id, out var existing) && !existing.IsDead && !existing.Out.IsReaderClosed)
            {
                if (!Options.RouterHandover) return false;
                // Handover: the old peer keeps its connection but is no longer reachable by this id.
                _byId.Remove(id);
                existing.RoutingId = NewId();
                _byId[existing.RoutingId] = existing;
            }
        }
        else
        {
            id = NewId();
        }
        link.RoutingId = id;
        _byId[id] = link;
        _fq.Add(link);
        return true;
    }

    /// <summary>A peer that has gone is no longer routable: its id leaves the table at once (it used to stay until a
    /// sweep that, once any peer was alive, never came again: the table grew with every peer ever seen).</summary>
    public override void Detach(Link link)
    {
        if (link.RoutingId.Length > 0 && _byId.TryGetValue(link.RoutingId, out var current) && current == link)
            _byId.Remove(link.RoutingId);
        _fq.Detach(link);
    }

    private byte[] NewId()
    {
        var id = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(id.AsSpan(1), _nextId++);
        return id;
    }

    public override bool TryReceive(out Frame frame)
    {
        if (_hasPending)
        {
            frame = _pending;
            _pending = default;
            _hasPending = false;
            return true;
        }
        if (!_fq.TryReceive(out var first, out var from))
        {
            frame = default;
            return false;
        }
        if (!_prefixSent)
        {
            // A new message: hand out the routing id first, keep the frame for the next call.
            _pending = first;
            _hasPending = true;
            _prefixSent = first.More;
            frame = Frame.CopyOf(from!.RoutingId);
            frame.Flags |= FrameFlags.More;
            return true;
        }
        _prefixSent = first.More;
        frame = first;
        return true;
    }

    /// <summary>As libzmq: a ROUTER can always send (an unroutable message is dropped), except with ROUTER_MANDATORY,
    /// where it can when some peer has room.</summary>
    public override bool HasOut()
    {
        if (!Options.RouterMandatory || _sendMidMessage) return true;
        foreach (var link in _byId.Values)
            if (!link.IsDead && !link.Out.IsReaderClosed && link.Out.CanWrite()) return true;
        return false;
    }

    public override bool TrySend(ref Frame frame, bool more)
    {
        if (!_sendMidMessage)
        {
            // The routing id frame.
            _sendMidMessage = more;
            _sendDropping = false;
            _sendTo = null;
            if (!more)
            {
                frame.Dispose(); // a lone routing id is not a message
                return true;
            }
            if (_byId.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(frame.Span, out var link) && (link.IsDead || link.Out.IsReaderClosed))
            {
                _byId.Remove(link.RoutingId);
                link = null;
            }
            if (link == null)
            {
                if (Options.RouterMandatory)
                {
                    _sendMidMessage = false;
                    throw new ZeraException(ErrorKind.HostUnreachable, $"no peer with routing id 0x{Convert.ToHexString(frame.Span)}");
                }
                _sendDropping = true;
            }
            else if (!link.Out.CanWrite())
            {
                if (Options.RouterMandatory)
                {
                    _sendMidMessage = false;
                    return false;
                }
                _sendDropping = true; // the peer's queue is full: drop, as RFC 28 says
            }
            else
            {
                _sendTo = link;
            }
            frame.Dispose();
            return true;
        }
        _sendMidMessage = more;
        if (_sendDropping || _sendTo == null)
        {
            frame.Dispose();
            return true;
        }
        _sendTo.Out.Write(ref frame, more);
        return true;
    }
}

/// <summary>Compares routing ids by content.</summary>
internal sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly ByteArrayComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<byte> alternate)
    {
        var h = new HashCode();
        h.AddBytes(alternate);
        return h.ToHashCode();
    }

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}
