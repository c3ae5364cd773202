using System.Diagnostics;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>ZMQ_LINGER and termination (zmq_setsockopt, zmq_close, zmq_ctx_term): closing a socket does not lose
/// what a send already accepted; the context's termination waits for it (forever by default, up to the linger time
/// otherwise, not at all with 0).</summary>
public class LingerTests
{
    private const int Count = 200;

    private static void SendNumbered(ZeraSocket push, int count, int size = 1024)
    {
        var payload = new byte[size];
        for (int i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(payload, i);
            Assert.True(push.TrySend(payload, Io.Long), $"message {i} was not accepted");
        }
    }

    private static void ReceiveNumbered(ZeraSocket pull, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Assert.True(pull.TryReceive(out var f, Io.Long), $"message {i} of {count} never arrived");
            Assert.Equal(i, BitConverter.ToInt32(f.Span));
            f.Dispose();
        }
    }

    /// <summary>A PUSH that sends and is closed at once (default linger) still delivers everything to a PULL in the
    /// same context.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public void ClosingRightAfterSendingLosesNothing(string transport)
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, transport, out var ep);
        var push = scope.MakeLingering(SocketType.Push);
        Assert.Equal(-1, push.Linger);
        push.Connect(ep);
        SendNumbered(push, Count);
        push.Dispose();

        ReceiveNumbered(pull, Count);
    }

    /// <summary>The same with the sender in its own context, terminated right after the close: the termination
    /// waits until everything is delivered, and then returns.</summary>
    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public async Task TerminatingTheSendersContextDeliversFirst(string transport)
    {
        using var receiver = new Scope();
        var pull = receiver.Bound(SocketType.Pull, transport, out var ep);

        var ctx = new Context();
        var push = ctx.CreateSocket(SocketType.Push);
        push.Connect(ep);
        SendNumbered(push, 1000);
        push.Dispose();
        var termination = Task.Run(ctx.Dispose);

        ReceiveNumbered(pull, 1000);
        Assert.True(await Io.CompletesWithin(termination, Io.Long), "the sender's context did not finish terminating after delivering");
    }

    /// <summary>With the default linger, termination waits even for a peer that is not there yet, and that peer
    /// gets every message when it binds.</summary>
    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public async Task DefaultLingerWaitsForAPeerThatBindsLater(string transport)
    {
        string ep = Io.Unbound(transport);
        var ctx = new Context();
        var push = ctx.CreateSocket(SocketType.Push);
        push.ReconnectInterval = 20;
        push.Connect(ep);
        SendNumbered(push, 50);
        push.Dispose();
        var termination = Task.Run(ctx.Dispose);
        Assert.False(await Io.CompletesWithin(termination, TimeSpan.FromMilliseconds(300)), "termination returned although accepted messages were never delivered");

        using var receiver = new Scope();
        var pull = receiver.Make(SocketType.Pull);
        pull.Bind(ep);
        ReceiveNumbered(pull, 50);
        Assert.True(await Io.CompletesWithin(termination, Io.Long), "the context did not finish terminating after delivering");
    }

    /// <summary>Linger 0: closing drops what was not sent, and termination returns at once.</summary>
    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void ZeroLingerDropsAndReturnsAtOnce(string transport)
    {
        string ep = Io.Unbound(transport);
        var ctx = new Context();
        var push = ctx.CreateSocket(SocketType.Push);
        push.Linger = 0;
        push.Connect(ep);
        SendNumbered(push, 10);
        push.Dispose();
        Io.Terminate(ctx, TimeSpan.FromSeconds(2));

        using var receiver = new Scope();
        var pull = receiver.Make(SocketType.Pull);
        pull.Bind(ep);
        Io.ExpectNothing(pull, TimeSpan.FromMilliseconds(400));
    }

    /// <summary>A positive linger bounds the wait: with nobody to deliver to, termination returns after about that
    /// long.</summary>
    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void FiniteLingerBoundsTheWait(string transport)
    {
        string ep = Io.Unbound(transport);
        var ctx = new Context();
        var push = ctx.CreateSocket(SocketType.Push);
        push.Linger = 300;
        push.Connect(ep);
        SendNumbered(push, 10);
        push.Dispose();
        var sw = Stopwatch.StartNew();
        Io.Terminate(ctx, TimeSpan.FromSeconds(5));
        Assert.True(sw.ElapsedMilliseconds >= 250, $"termination returned after {sw.ElapsedMilliseconds} ms, before the 300 ms linger ran out");
    }

    /// <summary>Termination while a socket is still open waits for its owner to close it (zmq_ctx_term semantics).</summary>
    [Fact]
    public async Task TerminationWaitsForOpenSockets()
    {
        var ctx = new Context();
        var pull = ctx.CreateSocket(SocketType.Pull);
        var termination = Task.Run(ctx.Dispose);
        Assert.False(await Io.CompletesWithin(termination, TimeSpan.FromMilliseconds(200)), "termination returned while a socket was still open");
        Assert.True(ctx.IsTerminated);
        pull.Dispose();
        Assert.True(await Io.CompletesWithin(termination, Io.Long));
    }
}
