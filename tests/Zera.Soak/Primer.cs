namespace Zera.Soak;

/// <summary>A first use of everything the scenarios use (each transport, request/reply, async receive, the monitor),
/// before the first "before" sample, so that the runtime's one-time set-up (its socket engine's epoll descriptor,
/// assemblies, JIT) is not counted against the first scenario.</summary>
internal static class Primer
{
    public static void Run()
    {
        using var ctx = new Context();
        foreach (var transport in SoakEndpoints.Transports)
        {
            using var pull = ctx.CreateSocket(SocketType.Pull);
            pull.Linger = 0;
            string endpoint = SoakEndpoints.Bind(pull, transport, "primer");
            using var push = ctx.CreateSocket(SocketType.Push);
            push.Linger = 0;
            using var stopMonitor = new CancellationTokenSource();
            var events = push.MonitorAsync(SocketEventKind.All, stopMonitor.Token).GetAsyncEnumerator(stopMonitor.Token);
            var first = events.MoveNextAsync();
            push.Connect(endpoint);
            push.Send("primer");
            pull.ReceiveAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
            using var cts = new CancellationTokenSource();
            var pending = pull.ReceiveAsync(cts.Token).AsTask();
            cts.Cancel();
            try
            {
                pending.Wait(TimeSpan.FromSeconds(10));
            }
            catch (AggregateException)
            {
                // Cancelled, as intended.
            }
            stopMonitor.Cancel();
            try
            {
                first.AsTask().Wait(TimeSpan.FromSeconds(10));
            }
            catch (AggregateException)
            {
                // Cancelled.
            }
        }
    }
}
