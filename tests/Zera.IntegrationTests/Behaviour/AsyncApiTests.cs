using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>The asynchronous API and termination: a pending ReceiveAsync/SendAsync completes when it can, a
/// cancellation token cancels it, and terminating the context wakes blocked and pending calls with Terminated
/// (ETERM, as zmq_ctx_term does).</summary>
public class AsyncApiTests
{
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public async Task ReceiveAsyncCompletesWhenAMessageArrives(string transport)
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, transport, out var ep);
        var push = scope.Connected(SocketType.Push, ep);

        var pending = pull.ReceiveAsync().AsTask();
        Assert.False(await Io.CompletesWithin(pending, TimeSpan.FromMilliseconds(100)), "ReceiveAsync completed with nothing sent");
        Io.Send(push, "arrived");
        Assert.True(await Io.CompletesWithin(pending, Io.Long), "ReceiveAsync did not complete when the message arrived");
        using var f = await pending;
        Assert.Equal("arrived", f.GetString());
    }

    /// <summary>One asynchronous receive may be pending at a time: a second is the caller's misuse, reported as
    /// InvalidState, and the first still completes.</summary>
    [Fact]
    public async Task SecondPendingReceiveAsyncIsInvalidState()
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, "inproc", out var ep);
        var push = scope.Connected(SocketType.Push, ep);
        var first = pull.ReceiveAsync().AsTask();
        var e = await Assert.ThrowsAsync<ZeraException>(async () => await pull.ReceiveAsync());
        Assert.Equal(ErrorKind.InvalidState, e.Kind);
        Io.Send(push, "one");
        Assert.True(await Io.CompletesWithin(first, Io.Long), "the first ReceiveAsync did not complete");
        using var f = await first;
        Assert.Equal("one", f.GetString());
    }

    [Fact]
    public async Task ReceiveAsyncCompletesAtOnceWhenAMessageIsWaiting()
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, "inproc", out var ep);
        var push = scope.Connected(SocketType.Push, ep);
        Io.Send(push, "ready");
        var vt = pull.ReceiveAsync();
        Assert.True(vt.IsCompletedSuccessfully);
        using var f = await vt;
        Assert.Equal("ready", f.GetString());
    }

    [Fact]
    public async Task ReceiveMultipartAsyncGetsTheWholeMessage()
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, "tcp", out var ep);
        var push = scope.Connected(SocketType.Push, ep);
        var pending = pull.ReceiveMultipartAsync().AsTask();
        Io.Send(push, "a", "", "c");
        Assert.True(await Io.CompletesWithin(pending, Io.Long));
        Assert.Equal([Io.B("a"), [], Io.B("c")], await pending);
    }

    /// <summary>Cancelling the token ends a pending receive with OperationCanceledException, and the socket stays
    /// usable.</summary>
    [Theory]
    [MemberData(nameof(Endpoints.Transports), MemberType = typeof(Endpoints))]
    public async Task CancellingAPendingReceive(string transport)
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, transport, out var ep);
        var push = scope.Connected(SocketType.Push, ep);

        using var cts = new CancellationTokenSource();
        var pending = pull.ReceiveAsync(cts.Token).AsTask();
        Assert.False(pending.IsCompleted);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Io.Long));

        Io.Send(push, "after the cancel");
        Io.Expect(pull, "after the cancel");
    }

    [Fact]
    public async Task AlreadyCancelledTokenDoesNotReceive()
    {
        using var scope = new Scope();
        var pull = scope.Bound(SocketType.Pull, "inproc", out _);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var task = pull.ReceiveAsync(cts.Token).AsTask();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.WaitAsync(Io.Long));
    }

    /// <summary>A SendAsync held back by the high-water mark completes when the peer makes room.</summary>
    [Fact]
    public async Task SendAsyncCompletesWhenRoomIsMade()
    {
        using var scope = new Scope();
        var pull = scope.Make(SocketType.Pull);
        pull.ReceiveHighWatermark = 1;
        var ep = Endpoints.Bind(pull, "inproc");
        var push = scope.Make(SocketType.Push);
        push.SendHighWatermark = 1;
        push.Connect(ep);
        Io.Send(push, "1");
        Io.Send(push, "2");

        var pending = push.SendAsync("3").AsTask();
        Assert.False(await Io.CompletesWithin(pending, TimeSpan.FromMilliseconds(100)), "SendAsync completed although both queues are full");
        Io.Expect(pull, "1");
        Assert.True(await Io.CompletesWithin(pending, Io.Long), "SendAsync did not complete once there was room");
        Io.Expect(pull, "2");
        Io.Expect(pull, "3");
    }

    /// <summary>Terminating the context wakes a Receive blocked (without timeout) on another thread with Terminated.</summary>
    [Fact]
    public async Task TerminationWakesABlockedReceive()
    {
        var ctx = new Context();
        var pull = ctx.CreateSocket(SocketType.Pull);
        pull.Bind(Endpoints.ForBind("inproc"));
        ErrorKind? kind = null;
        var blocked = new Thread(() =>
        {
            try
            {
                pull.Receive().Dispose();
            }
            catch (ZeraException e)
            {
                kind = e.Kind;
            }
            finally
            {
                pull.Dispose();
            }
        });
        blocked.Start();
        var termination = Task.Run(ctx.Dispose);
        Assert.True(blocked.Join(Io.Long), "the blocked Receive was not woken by the termination");
        Assert.Equal(ErrorKind.Terminated, kind);
        Assert.True(await Io.CompletesWithin(termination, Io.Long));
    }

    /// <summary>The same for a blocked Send.</summary>
    [Fact]
    public async Task TerminationWakesABlockedSend()
    {
        var ctx = new Context();
        var push = ctx.CreateSocket(SocketType.Push);
        push.Linger = 0;
        ErrorKind? kind = null;
        var blocked = new Thread(() =>
        {
            try
            {
                push.Send("nobody to take this");
            }
            catch (ZeraException e)
            {
                kind = e.Kind;
            }
            finally
            {
                push.Dispose();
            }
        });
        blocked.Start();
        var termination = Task.Run(ctx.Dispose);
        Assert.True(blocked.Join(Io.Long), "the blocked Send was not woken by the termination");
        Assert.Equal(ErrorKind.Terminated, kind);
        Assert.True(await Io.CompletesWithin(termination, Io.Long));
    }

    /// <summary>A pending ReceiveAsync ends with Terminated when the context terminates; later calls fail the
    /// same way.</summary>
    [Fact]
    public async Task TerminationFailsAPendingReceiveAsync()
    {
        var ctx = new Context();
        var pull = ctx.CreateSocket(SocketType.Pull);
        pull.Bind(Endpoints.ForBind("inproc"));
        var pending = pull.ReceiveAsync().AsTask();
        var termination = Task.Run(ctx.Dispose);

        var e = await Assert.ThrowsAsync<ZeraException>(() => pending.WaitAsync(Io.Long));
        Assert.Equal(ErrorKind.Terminated, e.Kind);
        var later = Assert.Throws<ZeraException>(() => pull.TryReceive(out _, Io.Short));
        Assert.Equal(ErrorKind.Terminated, later.Kind);

        Assert.False(termination.IsCompleted, "termination finished while a socket was still open");
        pull.Dispose();
        Assert.True(await Io.CompletesWithin(termination, Io.Long));
    }

    /// <summary>After termination no new socket can be made.</summary>
    [Fact]
    public void NoNewSocketsAfterTermination()
    {
        var ctx = new Context();
        ctx.Dispose();
        var e = Assert.Throws<ZeraException>(() => ctx.CreateSocket(SocketType.Pair));
        Assert.Equal(ErrorKind.Terminated, e.Kind);
    }
}
