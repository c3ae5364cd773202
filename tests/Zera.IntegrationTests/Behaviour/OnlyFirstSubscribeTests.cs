using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>
/// Which frames of a multipart message are subscriptions, between an XSUB's user and an XPUB's user (libzmq's
/// test_xpub_manual test_user_message_multi, in Zera's words). By default every frame that starts with 1 or 0 is a
/// subscription or a cancel, as in libzmq; with ONLY_FIRST_SUBSCRIBE the first frame decides: a message that starts
/// with data is data to its end, one that starts with a subscription may carry more of them.
/// </summary>
public class OnlyFirstSubscribeTests
{
    private static readonly byte[] s_common = Io.B("ABC");
    private static readonly byte[] s_cancelBC = [0, .. "BC"u8];
    private static readonly byte[] s_cancelCD = [0, .. "CD"u8];
    private static readonly byte[] s_subscribeBC = [1, .. "BC"u8];
    private static readonly byte[] s_subscribeCD = [1, .. "CD"u8];

    private static (ZeraSocket XPub, ZeraSocket XSub) Pair(Scope scope, string transport, bool onlyFirst)
    {
        var xpub = scope.Make(SocketType.XPub);
        xpub.OnlyFirstSubscribe = onlyFirst;
        var ep = Endpoints.Bind(xpub, transport);
        var xsub = scope.Make(SocketType.XSub);
        xsub.OnlyFirstSubscribe = onlyFirst;
        xsub.Connect(ep);
        return (xpub, xsub);
    }

    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void AMessageThatStartsWithDataIsDataToItsEnd(string transport)
    {
        using var scope = new Scope();
        var (xpub, xsub) = Pair(scope, transport, onlyFirst: true);

        Io.SendBytes(xsub, s_common, s_cancelBC); // a later frame starting with 0: still data
        Assert.Equal([s_common, s_cancelBC], Io.ReceiveBytes(xpub));
        Io.SendBytes(xsub, s_common, s_subscribeBC); // a later frame starting with 1: still data
        Assert.Equal([s_common, s_subscribeBC], Io.ReceiveBytes(xpub));

        // Nothing was subscribed on either side: the XPUB sends "BC" to nobody.
        xpub.Send("BC data");
        Io.ExpectNothing(xsub);
    }

    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void AMessageThatStartsWithASubscriptionMayCarryMore(string transport)
    {
        using var scope = new Scope();
        var (xpub, xsub) = Pair(scope, transport, onlyFirst: true);

        Io.SendBytes(xsub, s_subscribeBC, s_subscribeCD);
        Assert.Equal([s_subscribeBC], Io.ReceiveBytes(xpub)); // each a new subscription, told as a message of its own
        Assert.Equal([s_subscribeCD], Io.ReceiveBytes(xpub));
        xpub.Send("BC data");
        xpub.Send("CD data");
        Io.Expect(xsub, "BC data");
        Io.Expect(xsub, "CD data");

        Io.SendBytes(xsub, s_cancelBC, s_cancelCD);
        Assert.Equal([s_cancelBC], Io.ReceiveBytes(xpub));
        Assert.Equal([s_cancelCD], Io.ReceiveBytes(xpub));
        xpub.Send("BC gone");
        xpub.Send("CD gone");
        Io.ExpectNothing(xsub);
    }

    /// <summary>Without the option (libzmq's default), a subscription after a data frame is applied too; the XPUB's
    /// user gets the data frame followed by the notice of the new subscription.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void WithoutTheOptionEveryFrameMayBeASubscription(string transport)
    {
        using var scope = new Scope();
        var (xpub, xsub) = Pair(scope, transport, onlyFirst: false);
        Assert.False(xpub.OnlyFirstSubscribe);

        Io.SendBytes(xsub, s_common, s_subscribeBC);
        Assert.Equal([s_common, s_subscribeBC], Io.ReceiveBytes(xpub));
        xpub.Send("BC data");
        Io.Expect(xsub, "BC data");
    }

    /// <summary>A message whose last frames are subscriptions nobody needs to hear of still ends where it ends: the
    /// XSUB does not pass on a cancel that leaves the prefix counted, and the XPUB does not tell its user of a
    /// subscription it already had. (libzmq leaves such a message open and the next one continues it.)</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void AMessageEndingInUntoldSubscriptionsStillEnds(string transport)
    {
        using var scope = new Scope();
        var (xpub, xsub) = Pair(scope, transport, onlyFirst: false);
        xsub.Send(s_subscribeBC);
        xsub.Send(s_subscribeBC); // counted twice
        Assert.Equal([s_subscribeBC], Io.ReceiveBytes(xpub)); // the second is no news to the XPUB

        Io.SendBytes(xsub, s_common, s_cancelBC); // one of two cancels: not passed on
        Io.SendBytes(xsub, Io.B("DEF"));
        Assert.Equal([s_common], Io.ReceiveBytes(xpub));
        Assert.Equal([Io.B("DEF")], Io.ReceiveBytes(xpub));

        Io.SendBytes(xsub, s_common, s_subscribeBC); // reaches the XPUB, which has BC already: no notice
        Io.SendBytes(xsub, Io.B("GHI"));
        Assert.Equal([s_common], Io.ReceiveBytes(xpub));
        Assert.Equal([Io.B("GHI")], Io.ReceiveBytes(xpub));
    }
}
