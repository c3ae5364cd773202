using Zera.Core;

namespace Zera.Patterns;

/// <summary>
/// A socket type's routing behaviour over the socket's links. Runs only on the socket's thread (the thread making
/// the current call); links arrive through <see cref="Attach"/> on that thread too.
/// </summary>
internal abstract class Pattern(SocketOptions options)
{
    protected SocketOptions Options { get; } = options;

    /// <summary>Messages this pattern dropped by its semantics (PUB: a subscriber at its high-water mark), for the
    /// meter. Written by the socket's calls only.</summary>
    public long Dropped;

    /// <summary>False for types that cannot send (PULL).</summary>
    public virtual bool CanSend => true;

    /// <summary>False for types that cannot receive (PUSH).</summary>
    public virtual bool CanReceive => true;

    /// <summary>Told when the peer of an attached link becomes known (its handshake completed, or an inproc peer bound):
    /// ROUTER can only route to a peer once it knows the peer's routing id.</summary>
    public virtual void OnPeerIdentified(Link link) { }

    /// <summary>Told, on the writer's thread, that an inbound pipe this socket had found empty holds a message now.
    /// A pattern that must not scan every peer for input (PUB reading subscriptions) keeps a note of it; any other
    /// work waits for the socket's thread.</summary>
    public virtual void OnPipeReadable(Pipe pipe) { }

    /// <summary>True when a receive may read the inbound pipes without arming them (<see cref="Pipe.DeferArming"/>),
    /// because every receive looks at every peer again. False for a pattern that learns which pipes to read only from
    /// <see cref="OnPipeReadable"/>: a pipe it read to the end unarmed would never be named again.</summary>
    public virtual bool ReadsUnarmed => true;

    /// <summary>True for a pattern whose every receive waits for the answer to a message just sent, or for the next
    /// request right after a reply (REQ, REP): its waits are one round trip long, worth polling through
    /// (<c>ZeraSocket.PollBeforeWaiting</c>).</summary>
    public virtual bool AwaitsAnswers => false;

    /// <summary>Told when a link's connection was made again after a loss (the link outlives connections on the
    /// connecting side): SUB sends its subscriptions again.</summary>
    public virtual void OnReconnected(Link link) { }

    /// <summary>Told when an attached link's peer has gone for good: the pattern forgets it (what it sent before going
    /// may still be read).</summary>
    public virtual void Detach(Link link) { }

    /// <summary>True when a send of a new message would not block now (libzmq's has_out, ZMQ_POLLOUT). A peer at its
    /// high-water mark is asked to tell the socket when it makes room, so a poller waiting for this is woken.</summary>
    public virtual bool HasOut() => CanSend;

    /// <summary>True when a readiness check may read the next frame ahead and keep it for the next receive. False for
    /// the types whose send state moves as they read (REQ, REP): they answer <see cref="HasIn"/> without reading.</summary>
    public virtual bool ReadinessByPeek => true;

    /// <summary>For the types that do not peek: true when a receive would find a message now.</summary>
    public virtual bool HasIn() => false;

    /// <summary>True when this type may receive in its current state (REQ only while it awaits a reply), so a
    /// readiness check never turns into the misuse error a receive would raise.</summary>
    public virtual bool ReceiveAllowed => CanReceive;

    /// <summary>Adds a peer. Returning false refuses it (the caller closes the link, giving <see cref="Refusal"/> as
    /// the reason).</summary>
    public abstract bool Attach(Link link);

    /// <summary>Why <see cref="Attach"/> refuses a peer, in words for the monitor.</summary>
    public virtual string Refusal => "the socket refused the peer";

    /// <summary>Sends one frame, taking ownership when it returns true; false means "would block".</summary>
    public abstract bool TrySend(ref Frame frame, bool more);

    /// <summary>The peer whose message the last frame received belongs to (for its properties); null when not
    /// known (XPUB's subscriptions).</summary>
    public virtual Link? LastPeer => null;

    /// <summary>Receives one frame; false means "would block".</summary>
    public abstract bool TryReceive(out Frame frame);
}
