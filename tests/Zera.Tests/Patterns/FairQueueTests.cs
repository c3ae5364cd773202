using Zera.Core;
using Zera.Patterns;
using Zera.Tests.Support;

namespace Zera.Tests.Patterns;

/// <summary>Incoming fair queuing (PULL, DEALER, ROUTER): one whole message per link in turn.</summary>
public class FairQueueTests
{
    private static FairQueue With(params Link[] links)
    {
        var fq = new FairQueue();
        foreach (var l in links) fq.Add(l);
        return fq;
    }

    /// <summary>Receives one whole message, which must be there, and the link it came from.</summary>
    private static (int[] Message, Link From) Receive(FairQueue fq)
    {
        var values = new List<int>();
        Link? from = null;
        bool more;
        do
        {
            Assert.True(fq.TryReceive(out var f, out var link), "a frame should be waiting");
            Assert.NotNull(link);
            if (from != null) Assert.Same(from, link); // every frame of a message from the same link
            from = link;
            more = f.More;
            values.Add(Frames.Take(ref f));
        } while (more);
        return ([.. values], from);
    }

    [Fact]
    public void AlternatesBetweenLinks()
    {
        Link a = Links.New(), b = Links.New();
        for (int i = 1; i <= 3; i++)
        {
            Frames.WriteMessage(a.In, i);
            Frames.WriteMessage(b.In, i * 10);
        }
        var fq = With(a, b);
        int[][] expected = [[1], [10], [2], [20], [3], [30]];
        Link[] sources = [a, b, a, b, a, b];
        for (int i = 0; i < expected.Length; i++)
        {
            var (message, from) = Receive(fq);
            Assert.Equal(expected[i], message);
            Assert.Same(sources[i], from);
        }
        Assert.False(fq.TryReceive(out _, out var none));
        Assert.Null(none);
    }

    [Fact]
    public void ReadsAMultipartMessageWholeFromOneLink()
    {
        Link a = Links.New(), b = Links.New();
        Frames.WriteMessage(a.In, 1, 2, 3);
        Frames.WriteMessage(b.In, 10);
        var fq = With(a, b);
        var (first, fromFirst) = Receive(fq);
        Assert.Equal([1, 2, 3], first);
        Assert.Same(a, fromFirst);
        var (second, fromSecond) = Receive(fq);
        Assert.Equal([10], second);
        Assert.Same(b, fromSecond);
    }

    [Fact]
    public void AlternatesBetweenLinksAfterMultipartMessagesToo()
    {
        Link a = Links.New(), b = Links.New();
        Frames.WriteMessage(a.In, 1, 2);
        Frames.WriteMessage(a.In, 3, 4);
        Frames.WriteMessage(b.In, 10, 11);
        Frames.WriteMessage(b.In, 20, 21);
        var fq = With(a, b);
        var order = new List<int[]>();
        for (int i = 0; i < 4; i++) order.Add(Receive(fq).Message);
        Assert.Equal([[1, 2], [10, 11], [3, 4], [20, 21]], order);
    }

    [Fact]
    public void SkipsLinksWithNothingWaiting()
    {
        Link a = Links.New(), b = Links.New(), c = Links.New();
        Frames.WriteMessage(c.In, 5);
        var fq = With(a, b, c);
        var (message, from) = Receive(fq);
        Assert.Equal([5], message);
        Assert.Same(c, from);
        Assert.False(fq.TryReceive(out _, out _));
        Assert.Equal(3, fq.Count); // idle links stay
    }

    [Fact]
    public void DropsALinkWhosePeerFinished()
    {
        Link a = Links.New(), b = Links.New();
        Frames.WriteMessage(a.In, 1);
        Frames.WriteMessage(a.In, 2);
        a.In.CloseWriter(); // a's peer went away after sending two messages
        var fq = With(a, b);
        Assert.Equal([1], Receive(fq).Message);
        Assert.Equal([2], Receive(fq).Message); // what was sent is still delivered
        Assert.False(fq.TryReceive(out _, out _));
        Assert.Equal(1, fq.Count);

        Frames.WriteMessage(b.In, 3);
        Assert.Equal([3], Receive(fq).Message);
    }

    [Fact]
    public void DropsALinkWhoseReaderClosed()
    {
        Link a = Links.New(), b = Links.New();
        a.In.CloseReader();
        Frames.WriteMessage(b.In, 3);
        var fq = With(a, b);
        Assert.Equal([3], Receive(fq).Message);
        Assert.False(fq.TryReceive(out _, out _));
        Assert.Equal(1, fq.Count);
    }
}
