using Zera.Core;
using Zera.Patterns;
using Zera.Tests.Support;

namespace Zera.Tests.Patterns;

/// <summary>Outgoing round-robin (PUSH, DEALER, REQ): one whole message per link in turn, full links skipped.</summary>
public class LoadBalancerTests
{
    private static bool Send(LoadBalancer lb, params int[] message)
    {
        for (int i = 0; i < message.Length; i++)
        {
            var f = Frames.Of(message[i]);
            if (!lb.TrySend(ref f, more: i < message.Length - 1))
            {
                Assert.Equal(4, f.Length); // refused: the frame is still the caller's
                f.Dispose();
                return false;
            }
            Assert.True(f.IsEmpty, "a frame sent is taken");
        }
        return true;
    }

    private static LoadBalancer With(params Link[] links)
    {
        var lb = new LoadBalancer();
        foreach (var l in links) lb.Add(l);
        return lb;
    }

    [Fact]
    public void SendsRoundRobinAcrossLinks()
    {
        Link a = Links.New(), b = Links.New(), c = Links.New();
        var lb = With(a, b, c);
        for (int i = 0; i < 9; i++) Assert.True(Send(lb, i));
        Assert.Equal([[0], [3], [6]], Links.Drain(a.Out));
        Assert.Equal([[1], [4], [7]], Links.Drain(b.Out));
        Assert.Equal([[2], [5], [8]], Links.Drain(c.Out));
    }

    [Fact]
    public void SendsAWholeMessageToOneLink()
    {
        Link a = Links.New(), b = Links.New(), c = Links.New();
        var lb = With(a, b, c);
        Assert.True(Send(lb, 10, 11, 12));
        Assert.True(Send(lb, 20));
        Assert.True(Send(lb, 30, 31));
        Assert.True(Send(lb, 40, 41, 42, 43));
        Assert.Equal([[10, 11, 12], [40, 41, 42, 43]], Links.Drain(a.Out));
        Assert.Equal([[20]], Links.Drain(b.Out));
        Assert.Equal([[30, 31]], Links.Drain(c.Out));
    }

    [Fact]
    public void SkipsALinkAtItsHighWaterMark()
    {
        Link a = Links.New(), b = Links.New(outHwm: 1), c = Links.New();
        Frames.WriteMessage(b.Out, -1); // b is full
        var lb = With(a, b, c);
        for (int i = 0; i < 4; i++) Assert.True(Send(lb, i));
        Assert.Equal([[0], [2]], Links.Drain(a.Out));
        Assert.Equal([[-1]], Links.Drain(b.Out));
        Assert.Equal([[1], [3]], Links.Drain(c.Out));
    }

    [Fact]
    public void WouldBlockWhenEveryLinkIsFullThenResumesWhenOneHasRoom()
    {
        Link a = Links.New(outHwm: 1), b = Links.New(outHwm: 1);
        var lb = With(a, b);
        Assert.True(Send(lb, 1));
        Assert.True(Send(lb, 2));
        Assert.False(Send(lb, 3));
        Assert.False(Send(lb, 3));

        Assert.Equal([2], Frames.ReadMessage(b.Out)); // the peer on b reads
        Assert.True(Send(lb, 3));
        Assert.Equal([[3]], Links.Drain(b.Out));
        Assert.Equal([[1]], Links.Drain(a.Out));
    }

    [Fact]
    public void WouldBlockWithNoLinks()
    {
        var lb = new LoadBalancer();
        Assert.False(Send(lb, 1));
        Assert.Equal(0, lb.Count);
    }

    [Fact]
    public void DropsALinkWhoseReaderClosed()
    {
        Link a = Links.New(), b = Links.New(), c = Links.New();
        var lb = With(a, b, c);
        b.Out.CloseReader(); // the peer behind b went away
        for (int i = 0; i < 4; i++) Assert.True(Send(lb, i));
        Assert.Equal(2, lb.Count);
        Assert.Equal([[0], [2]], Links.Drain(a.Out));
        Assert.Equal([[1], [3]], Links.Drain(c.Out));
    }

    [Fact]
    public void LinkDyingMidMessageDropsTheRestAndTheNextMessageGoesElsewhere()
    {
        Link a = Links.New(), b = Links.New();
        var lb = With(a, b);
        var first = Frames.Of(1);
        Assert.True(lb.TrySend(ref first, more: true)); // goes to a
        a.Out.CloseReader();
        var second = Frames.Of(2);
        Assert.True(lb.TrySend(ref second, more: true));
        var third = Frames.Of(3);
        Assert.True(lb.TrySend(ref third, more: false));
        Assert.True(second.IsEmpty && third.IsEmpty, "frames of a dead link's message are taken and dropped");

        Assert.True(Send(lb, 7, 8));
        Assert.Equal([[7, 8]], Links.Drain(b.Out));
        Assert.False(a.Out.TryRead(out _));
    }

    [Fact]
    public void LinkAddedLaterJoinsTheRotation()
    {
        Link a = Links.New(), b = Links.New();
        var lb = With(a);
        Assert.True(Send(lb, 0));
        lb.Add(b);
        for (int i = 1; i < 5; i++) Assert.True(Send(lb, i));
        Assert.Equal(2, Links.Drain(b.Out).Count);
        Assert.Equal(3, Links.Drain(a.Out).Count);
    }
}
