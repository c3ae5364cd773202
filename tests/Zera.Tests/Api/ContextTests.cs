namespace Zera.Tests.Api;

/// <summary>Context lifetime: termination refuses new sockets and wakes blocked calls with Terminated.</summary>
public class ContextTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    /// <summary>Waits until <paramref name="thread"/> is blocked (sleeping in a wait), so the test exercises the
    /// wake-up path rather than the "already terminated" check.</summary>
    private static void WaitUntilBlocked(Thread thread) =>
        Assert.True(SpinWait.SpinUntil(() => (thread.ThreadState & ThreadState.WaitSleepJoin) != 0, s_timeout),
            "the thread never blocked");

    /// <summary>Starts <see cref="Context.Dispose"/> on a dedicated thread: it blocks until the sockets are gone, and a
    /// pool thread might be slow to come while other tests block theirs.</summary>
    private static Task DisposeOnItsOwnThread(Context context) =>
        Task.Factory.StartNew(context.Dispose, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    [Fact]
    public void CreatingASocketAfterDisposeIsTerminated()
    {
        var context = new Context();
        Assert.False(context.IsTerminated);
        context.Dispose();
        Assert.True(context.IsTerminated);
        var e = Assert.Throws<ZeraException>(() => context.CreateSocket(SocketType.Push));
        Assert.Equal(ErrorKind.Terminated, e.Kind);
    }

    [Fact]
    public void DisposeTwiceIsSafe()
    {
        var context = new Context();
        context.Dispose();
        context.Dispose();
        Assert.True(context.IsTerminated);
    }

    [Fact]
    public void UndefinedSocketTypeIsOutOfRange()
    {
        using var context = new Context();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => context.CreateSocket((SocketType)99));
        Assert.Equal("type", e.ParamName);
    }

    [Fact]
    public async Task DisposeWakesABlockedReceiveOnAnotherThread()
    {
        var context = new Context();
        var pull = context.CreateSocket(SocketType.Pull);
        pull.Bind("inproc://blocked-receive");
        Exception? caught = null;
        var thread = new Thread(() =>
        {
            try { pull.Receive(); }
            catch (Exception e) { caught = e; }
            finally { pull.Dispose(); } // lets the context's Dispose return
        }) { IsBackground = true, Name = "blocked receiver" };
        thread.Start();
        WaitUntilBlocked(thread);

        var dispose = DisposeOnItsOwnThread(context);
        Assert.True(thread.Join(s_timeout), "Receive was not woken by the context's disposal");
        await dispose.WaitAsync(s_timeout);
        var ze = Assert.IsType<ZeraException>(caught);
        Assert.Equal(ErrorKind.Terminated, ze.Kind);
    }

    [Fact]
    public async Task DisposeWakesABlockedSendOnAnotherThread()
    {
        var context = new Context();
        var pull = context.CreateSocket(SocketType.Pull);
        pull.ReceiveHighWatermark = 1;
        pull.Bind("inproc://blocked-send");
        var push = context.CreateSocket(SocketType.Push);
        push.SendHighWatermark = 1;
        push.Connect("inproc://blocked-send");
        int queued = 0;
        while (push.TrySend("x", TimeSpan.Zero))
            Assert.True(++queued < 100, "the high-water mark never filled");

        Exception? caught = null;
        var thread = new Thread(() =>
        {
            try { push.Send("blocked"); }
            catch (Exception e) { caught = e; }
            finally { push.Dispose(); }
        }) { IsBackground = true, Name = "blocked sender" };
        thread.Start();
        WaitUntilBlocked(thread);

        var dispose = DisposeOnItsOwnThread(context);
        Assert.True(thread.Join(s_timeout), "Send was not woken by the context's disposal");
        pull.Dispose();
        await dispose.WaitAsync(s_timeout);
        var ze = Assert.IsType<ZeraException>(caught);
        Assert.Equal(ErrorKind.Terminated, ze.Kind);
    }

    [Fact]
    public async Task DisposeEndsAPendingReceiveAsync()
    {
        var context = new Context();
        var pull = context.CreateSocket(SocketType.Pull);
        pull.Bind("inproc://pending-receive");
        var receive = pull.ReceiveAsync().AsTask();
        Assert.False(receive.IsCompleted);

        var dispose = DisposeOnItsOwnThread(context);
        var e = await Assert.ThrowsAsync<ZeraException>(() => receive.WaitAsync(s_timeout));
        Assert.Equal(ErrorKind.Terminated, e.Kind);
        pull.Dispose();
        await dispose.WaitAsync(s_timeout);
    }

    /// <summary>DisposeAsync terminates like Dispose, and completes once the socket is disposed (here by the task
    /// whose receive the termination ended), without blocking a thread meanwhile.</summary>
    [Fact]
    public async Task DisposeAsyncCompletesWhenTheLastSocketIsDisposed()
    {
        var context = new Context();
        var pull = context.CreateSocket(SocketType.Pull);
        pull.Bind("inproc://dispose-async");
        var owner = Task.Run(async () =>
        {
            try
            {
                using var f = await pull.ReceiveAsync();
                return ErrorKind.WouldBlock; // not expected: nothing was sent
            }
            catch (ZeraException e)
            {
                return e.Kind;
            }
            finally
            {
                pull.Dispose();
            }
        });
        var disposing = context.DisposeAsync().AsTask();
        Assert.Equal(ErrorKind.Terminated, await owner.WaitAsync(s_timeout));
        await disposing.WaitAsync(s_timeout);
        Assert.True(context.IsTerminated);
        await context.DisposeAsync(); // a second call returns at once
    }

    [Fact]
    public async Task CallsOnATerminatedContextsSocketAreTerminated()
    {
        var context = new Context();
        var pull = context.CreateSocket(SocketType.Pull);
        var dispose = DisposeOnItsOwnThread(context);
        Assert.True(SpinWait.SpinUntil(() => context.IsTerminated, s_timeout));
        var e = Assert.Throws<ZeraException>(() => pull.TryReceive(out _));
        Assert.Equal(ErrorKind.Terminated, e.Kind);
        pull.Dispose();
        await dispose.WaitAsync(s_timeout); // returns once its last socket is disposed
    }

    [Fact]
    public void UsingADisposedSocketThrowsObjectDisposed()
    {
        using var context = new Context();
        var push = context.CreateSocket(SocketType.Push);
        push.Dispose();
        push.Dispose(); // twice is safe
        Assert.Throws<ObjectDisposedException>(() => push.Send("x"));
        Assert.Throws<ObjectDisposedException>(() => push.Bind("inproc://late"));
    }
}
