using System.Text;
using Zera.Patterns;

namespace Zera;

public sealed partial class ZeraSocket
{
    /// <summary>ZMQ_SUBSCRIBE: a SUB (or XSUB) receives the messages whose first frame starts with
    /// <paramref name="prefix"/>; the empty prefix receives everything. Subscriptions are counted: one subscribed
    /// twice needs two <see cref="Unsubscribe(string)"/>. Any time, before or after connecting; every publisher
    /// connected now or later is told. Same threading rules as every call on this socket.</summary>
    public void Subscribe(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        Subscribe(Encoding.UTF8.GetBytes(prefix));
    }

    /// <summary>ZMQ_SUBSCRIBE with a binary prefix (see <see cref="Subscribe(string)"/>).</summary>
    public void Subscribe(ReadOnlySpan<byte> prefix)
    {
        int mark = Enter();
        try
        {
            if (ManualXPub(nameof(Subscribe)) is { } xpub) xpub.ManualSubscribe(prefix);
            else SubscriptionPattern(nameof(Subscribe)).Subscribe(prefix);
        }
        finally
        {
            Exit(mark);
        }
    }

    /// <summary>ZMQ_UNSUBSCRIBE: takes back one <see cref="Subscribe(string)"/> of <paramref name="prefix"/>; the
    /// publishers stop sending it when no subscription of it is left. Unsubscribing a prefix not subscribed does
    /// nothing, as in libzmq.</summary>
    public void Unsubscribe(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        Unsubscribe(Encoding.UTF8.GetBytes(prefix));
    }

    /// <summary>ZMQ_UNSUBSCRIBE with a binary prefix (see <see cref="Unsubscribe(string)"/>).</summary>
    public void Unsubscribe(ReadOnlySpan<byte> prefix)
    {
        int mark = Enter();
        try
        {
            if (ManualXPub(nameof(Unsubscribe)) is { } xpub) xpub.ManualUnsubscribe(prefix);
            else SubscriptionPattern(nameof(Unsubscribe)).Unsubscribe(prefix);
        }
        finally
        {
            Exit(mark);
        }
    }

    /// <summary>An XPUB with XPUB_MANUAL takes ZMQ_SUBSCRIBE for the subscriber whose subscription it read last.</summary>
    private PubPattern? ManualXPub(string option)
    {
        if (Type != SocketType.XPub) return null;
        if (!_options.XPubManual)
            throw new ZeraException(ErrorKind.InvalidArgument, $"{option} applies to an XPUB only with XPubManual set", option);
        return (PubPattern)_pattern;
    }

    private SubPattern SubscriptionPattern(string option)
    {
        RequireType(option, SocketType.Sub, SocketType.XSub);
        ProcessPending();
        return (SubPattern)_pattern;
    }
}
