using Zera.IntegrationTests.Behaviour;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Wire;

/// <summary>
/// Subscriptions from a hand-driven subscriber, byte for byte, to a Zera XPUB: both wire forms are taken; what is
/// not a subscription (empty, another first byte) is a message for the XPUB's user; a subscription command inside a
/// multipart message closes that connection only (its monitor says why), and the XPUB goes on serving its other
/// subscribers.
/// </summary>
public class SubscriptionWireTests
{
    private static readonly TimeSpan CloseDeadline = TimeSpan.FromSeconds(10);

    [Fact]
    public void BothFormsSubscribeAndOtherMessagesReachTheUser()
    {
        using var scope = new Scope();
        var xpub = scope.Bound(SocketType.XPub, "tcp", out var ep);
        xpub.XPubVerboser = true;
        using var raw = RawZmtpClient.Connect(ep);
        raw.Handshake("SUB");
        raw.Send(Zmtp.Frame(Zmtp.CommandBody("SUBSCRIBE", "cmd"u8), command: true));
        Assert.Equal([1, .. "cmd"u8], Io.ReceiveBytes(xpub)[0]);
        raw.Send(Zmtp.Frame([1, .. "msg"u8]));
        Assert.Equal([1, .. "msg"u8], Io.ReceiveBytes(xpub)[0]);
        raw.Send(Zmtp.Frame(Zmtp.CommandBody("CANCEL", "cmd"u8), command: true));
        Assert.Equal([0, .. "cmd"u8], Io.ReceiveBytes(xpub)[0]);
        raw.Send(Zmtp.Frame([]));                  // empty: not a subscription
        Assert.Empty(Io.ReceiveBytes(xpub)[0]);
        raw.Send(Zmtp.Frame([2, .. "odd"u8]));     // another first byte: not a subscription
        Assert.Equal([2, .. "odd"u8], Io.ReceiveBytes(xpub)[0]);

        xpub.Send("msg-1");
        xpub.Send("cmd-1");                        // cancelled
        var frame = raw.ReadFrame();
        Assert.Equal("msg-1"u8.ToArray(), frame.Body);
        Assert.Null(raw.TryReadFrame(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public void SubscriptionInsideAMultipartMessageClosesThatConnectionOnly()
    {
        using var scope = new Scope();
        var xpub = scope.Bound(SocketType.XPub, "tcp", out var ep);
        using var events = EventLog.Start(xpub, SocketEventKind.Disconnected);
        var good = scope.Connected(SocketType.Sub, ep);
        good.Subscribe("news");
        Io.ReceiveBytes(xpub);
        using var raw = RawZmtpClient.Connect(ep);
        raw.Handshake("SUB");
        raw.Send([.. Zmtp.Frame("part"u8, more: true), .. Zmtp.Frame(Zmtp.CommandBody("SUBSCRIBE", "x"u8), command: true)]);
        Assert.True(raw.WaitUntilClosedByPeer(CloseDeadline), "Zera kept a connection that tore a message with a SUBSCRIBE");
        var gone = events.WaitFor(SocketEventKind.Disconnected);
        Assert.Equal("SUBSCRIBE inside a multipart message", gone.Reason);
        Assert.Equal(ep, gone.Endpoint);
        xpub.Send("news 1");
        Io.Expect(good, "news 1");
    }
}
