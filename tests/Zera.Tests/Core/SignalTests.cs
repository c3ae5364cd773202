using System.Diagnostics;
using Zera.Core;

namespace Zera.Tests.Core;

/// <summary>The auto-reset wake-up behind every blocking and asynchronous call.</summary>
public class SignalTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void SetBeforeWaitIsRemembered()
    {
        var signal = new Signal();
        signal.Set();
        Assert.True(signal.Wait(0));
        Assert.False(signal.Wait(0)); // auto-reset: consumed by the first wait
    }

    [Fact]
    public void SeveralSetsAreRememberedAsOne()
    {
        var signal = new Signal();
        signal.Set();
        signal.Set();
        Assert.True(signal.TryConsume());
        Assert.False(signal.TryConsume());
    }

    [Fact]
    public void WaitTimesOutWithFalse()
    {
        var signal = new Signal();
        var clock = Stopwatch.StartNew();
        Assert.False(signal.Wait(60));
        Assert.True(clock.ElapsedMilliseconds >= 50, $"returned after {clock.ElapsedMilliseconds} ms, before the 60 ms timeout");
    }

    [Fact]
    public async Task SetFromAnotherThreadWakesABlockedWait()
    {
        var signal = new Signal();
        var waiter = StartedOnItsOwnThread(() => signal.Wait(10_000));
        signal.Set();
        Assert.True(await waiter.WaitAsync(s_timeout), "the waiter was not woken");
    }

    [Fact]
    public void PollConsumesARememberedSet()
    {
        var signal = new Signal();
        signal.Set();
        Assert.True(signal.Poll(Stopwatch.GetTimestamp() + Stopwatch.Frequency));
        Assert.False(signal.TryConsume());
    }

    [Fact]
    public void PollWithItsDeadlinePastDoesNotLook()
    {
        var signal = new Signal();
        signal.Set();
        Assert.False(signal.Poll(0));
        Assert.False(signal.Poll(Stopwatch.GetTimestamp() - 1));
        Assert.True(signal.TryConsume()); // still remembered for the wait that follows
    }

    [Fact]
    public async Task PollSeesASetFromAnotherThread()
    {
        var signal = new Signal();
        // Polls for up to 10 s: only a Set it sees makes it return true.
        var poller = StartedOnItsOwnThread(() => signal.Poll(Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency));
        signal.Set();
        Assert.True(await poller.WaitAsync(s_timeout), "the poll did not see the set");
        Assert.False(signal.TryConsume());
    }

    [Fact]
    public async Task WaitAsyncCompletesSynchronouslyWhenAlreadySet()
    {
        var signal = new Signal();
        signal.Set();
        var wait = signal.WaitAsync(CancellationToken.None);
        Assert.True(wait.IsCompletedSuccessfully);
        Assert.True(await wait);
        Assert.False(signal.TryConsume());
    }

    [Fact]
    public async Task WaitAsyncCompletesWhenSetLater()
    {
        var signal = new Signal();
        var wait = signal.WaitAsync(CancellationToken.None).AsTask();
        Assert.False(wait.IsCompleted);
        signal.Set();
        Assert.True(await wait.WaitAsync(s_timeout));
        Assert.False(signal.TryConsume()); // the wake-up went to the waiter, not into memory
    }

    [Fact]
    public async Task CancellationThrowsOperationCanceled()
    {
        var signal = new Signal();
        using var cts = new CancellationTokenSource();
        var wait = signal.WaitAsync(cts.Token).AsTask();
        cts.Cancel();
        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(s_timeout));
        Assert.Equal(cts.Token, e.CancellationToken);
    }

    [Fact]
    public void AlreadyCancelledTokenThrowsAtOnce()
    {
        var signal = new Signal();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => signal.WaitAsync(cts.Token));
    }

    [Fact]
    public async Task SignalIsUsableAgainAfterACancelledWait()
    {
        var signal = new Signal();
        using (var cts = new CancellationTokenSource())
        {
            var cancelled = signal.WaitAsync(cts.Token).AsTask();
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(s_timeout));
        }
        var wait = signal.WaitAsync(CancellationToken.None).AsTask();
        signal.Set();
        Assert.True(await wait.WaitAsync(s_timeout));
    }

    [Fact]
    public async Task SecondPendingAsyncWaitIsRefused()
    {
        var signal = new Signal();
        var first = signal.WaitAsync(CancellationToken.None).AsTask();
        Assert.Throws<SignalBusyException>(() => signal.WaitAsync(CancellationToken.None)); // a socket refuses the second pending call before it gets here
        signal.Set();
        Assert.True(await first.WaitAsync(s_timeout));
    }

    /// <summary>Runs <paramref name="body"/> on a thread of its own and returns once that thread has started, so a
    /// test's Set comes while the body waits or polls (or just before, which the signal remembers).</summary>
    private static Task<bool> StartedOnItsOwnThread(Func<bool> body)
    {
        using var started = new ManualResetEventSlim();
        var task = Task.Factory.StartNew(() =>
        {
            started.Set();
            return body();
        }, TaskCreationOptions.LongRunning);
        Assert.True(started.Wait(s_timeout), "the thread did not start");
        return task;
    }
}
