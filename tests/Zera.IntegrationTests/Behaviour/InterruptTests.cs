using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>
/// The Guide's interrupt pattern in one process: one cancellation token (what Ctrl-C cancels) or the context's
/// termination wakes every kind of waiting call at once: an awaited receive, a poller's wait (blocking and async,
/// with timers running), a proxy (blocking and async), and for termination a blocked receive too. Then the sockets
/// close and the context's termination returns. (Each call alone is covered in AsyncApiTests, PollerTests and
/// ProxyTests; this is all of them under one signal.)
/// </summary>
public class InterruptTests
{
    [Fact]
    public async Task OneTokenWakesEveryWaitingCall()
    {
        var context = new Context();
        using var interrupted = new CancellationTokenSource();
        var calls = new WaitingCalls(context, interrupted.Token);

        interrupted.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within(calls.ReceiveAsync));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within(calls.PollWait));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within(calls.PollWaitAsync));
        // A cancelled proxy returns what it moved: the request (routing id, delimiter, body) and the one message.
        Assert.Equal(3UL, (await Within(calls.Proxy)).FrontendReceivedFrames);
        Assert.Equal(1UL, (await Within(calls.ProxyAsync)).FrontendReceivedFrames);
        calls.CloseSockets();
        Io.Terminate(context);
    }

    [Fact]
    public async Task ContextTerminationWakesEveryWaitingCall()
    {
        var context = new Context();
        var calls = new WaitingCalls(context, CancellationToken.None);
        var blockedReceive = calls.StartBlockedReceive();

        var termination = Task.Run(context.Dispose);

        Assert.Equal(ErrorKind.Terminated, (await Assert.ThrowsAsync<ZeraException>(() => Within(blockedReceive))).Kind);
        Assert.Equal(ErrorKind.Terminated, (await Assert.ThrowsAsync<ZeraException>(() => Within(calls.ReceiveAsync))).Kind);
        Assert.Equal(ErrorKind.Terminated, (await Assert.ThrowsAsync<ZeraException>(() => Within(calls.PollWait))).Kind);
        Assert.Equal(ErrorKind.Terminated, (await Assert.ThrowsAsync<ZeraException>(() => Within(calls.PollWaitAsync))).Kind);
        Assert.Equal(3UL, (await Within(calls.Proxy)).FrontendReceivedFrames);
        Assert.Equal(1UL, (await Within(calls.ProxyAsync)).FrontendReceivedFrames);
        Assert.False(termination.IsCompleted, "the termination returned while sockets were still open");
        calls.CloseSockets();
        Assert.True(await Io.CompletesWithin(termination, Wait.Timeout), "the termination did not return once the sockets were closed");
    }

    private static async Task<T> Within<T>(Task<T> task)
    {
        Assert.True(await Io.CompletesWithin(task, Wait.Timeout), "the call was not woken in time");
        return await task;
    }

    /// <summary>One of each waiting call, each on its own sockets, each shown to be running (and waiting again)
    /// before the constructor returns.</summary>
    private sealed class WaitingCalls
    {
        private readonly Context _context;
        private readonly List<ZeraSocket> _sockets = [];
        private readonly List<Poller> _pollers = [];

        public WaitingCalls(Context context, CancellationToken token)
        {
            _context = context;

            var pending = Bound(SocketType.Pull, out _).ReceiveAsync(token);
            Assert.False(pending.IsCompleted, "ReceiveAsync completed with nothing to receive");
            ReceiveAsync = pending.AsTask();

            PollWait = StartPolling((poller, ready) => Task.Run(() => poller.Wait(ready, Timeout.InfiniteTimeSpan, token)));
            PollWaitAsync = StartPolling((poller, ready) => poller.WaitAsync(ready, Timeout.InfiniteTimeSpan, token).AsTask());

            // The Guide's broker, with one request and its reply through it.
            var frontend = Bound(SocketType.Router, out var frontEp);
            var backend = Bound(SocketType.Dealer, out var backEp);
            Proxy = Task.Run(() => Zera.Proxy.Run(frontend, backend, cancellationToken: token));
            var client = Connected(SocketType.Req, frontEp);
            var worker = Connected(SocketType.Rep, backEp);
            Io.Send(client, "job");
            Io.Expect(worker, "job");
            Io.Send(worker, "done");
            Io.Expect(client, "done");

            // A streamer over tcp, awaited, with one message through it.
            var pull = Bound(SocketType.Pull, out var pullEp, "tcp");
            var push = Bound(SocketType.Push, out var pushEp, "tcp");
            ProxyAsync = Zera.Proxy.RunAsync(pull, push, cancellationToken: token);
            var source = Connected(SocketType.Push, pullEp);
            var sink = Connected(SocketType.Pull, pushEp);
            Io.Send(source, "through");
            Io.Expect(sink, "through");
        }

        public Task<Frame> ReceiveAsync { get; }

        public Task<int> PollWait { get; }

        public Task<int> PollWaitAsync { get; }

        public Task<ProxyStatistics> Proxy { get; }

        public Task<ProxyStatistics> ProxyAsync { get; }

        /// <summary>A Receive with no timeout on a thread of its own (only termination wakes it).</summary>
        public Task<Frame> StartBlockedReceive()
        {
            var pull = Bound(SocketType.Pull, out _);
            var done = new TaskCompletionSource<Frame>(TaskCreationOptions.RunContinuationsAsynchronously);
            new Thread(() =>
            {
                try
                {
                    done.SetResult(pull.Receive());
                }
                catch (Exception e)
                {
                    done.SetException(e);
                }
            }) { IsBackground = true }.Start();
            return done.Task;
        }

        /// <summary>Disposes the pollers and sockets (their calls have ended), as the program's <c>using</c>s do.</summary>
        public void CloseSockets()
        {
            foreach (var poller in _pollers) poller.Dispose();
            foreach (var socket in _sockets) socket.Dispose();
        }

        /// <summary>A poller over a PULL socket with a 10 ms timer; the wait is shown running by the timer firing
        /// inside it twice.</summary>
        private Task<int> StartPolling(Func<Poller, PollResult[], Task<int>> wait)
        {
            var poller = new Poller();
            _pollers.Add(poller);
            poller.Add(Bound(SocketType.Pull, out _), PollEvents.In);
            int ticks = 0;
            poller.AddTimer(TimeSpan.FromMilliseconds(10), _ => Interlocked.Increment(ref ticks));
            var waiting = wait(poller, new PollResult[1]);
            Wait.Until(() => Volatile.Read(ref ticks) >= 2 || waiting.IsCompleted, "the poller's timer firing inside the wait");
            Assert.False(waiting.IsCompleted, $"the wait ended before any interrupt ({waiting.Status})");
            return waiting;
        }

        private ZeraSocket Bound(SocketType type, out string endpoint, string transport = "inproc")
        {
            var socket = _context.CreateSocket(type);
            socket.Linger = 0;
            _sockets.Add(socket);
            endpoint = Endpoints.Bind(socket, transport);
            return socket;
        }

        private ZeraSocket Connected(SocketType type, string endpoint)
        {
            var socket = _context.CreateSocket(type);
            socket.Linger = 0;
            _sockets.Add(socket);
            socket.Connect(endpoint);
            return socket;
        }
    }
}
