using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter2;

/// <summary>mtrelay: the Guide's multithreaded relay: threads signal each other through inproc PAIR sockets, a relay race where each
/// step waits for the previous one.</summary>
public sealed class MtRelay : IExample
{
    /// <inheritdoc/>
    public static string Name => "mtrelay";

    /// <inheritdoc/>
    public static string Summary => "Three threads signal each other in turn through inproc PAIR sockets";

    /// <inheritdoc/>
    public static string Usage => "(no options)";

    /// <inheritdoc/>
    public static Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        args.EnsureAllRead();
        using var context = new Context();
        using var receiver = context.CreateSocket(SocketType.Pair);
        receiver.Bind("inproc://step3");

        var step2 = new Thread(() =>
        {
            using var fromStep1 = context.CreateSocket(SocketType.Pair);
            fromStep1.Bind("inproc://step2");
            var step1 = new Thread(() =>
            {
                using var toStep2 = context.CreateSocket(SocketType.Pair);
                toStep2.Connect("inproc://step2");
                Console.WriteLine("Step 1 ready, signaling step 2");
                toStep2.Send("READY");
            });
            step1.Start();
            fromStep1.TryReceiveString(TimeSpan.FromSeconds(5), out _);
            step1.Join();
            using var toStep3 = context.CreateSocket(SocketType.Pair);
            toStep3.Connect("inproc://step3");
            Console.WriteLine("Step 2 ready, signaling step 3");
            toStep3.Send("READY");
        });
        step2.Start();
        bool ok = receiver.TryReceiveString(TimeSpan.FromSeconds(5), out _);
        step2.Join();
        Console.WriteLine(ok ? "Test successful!" : "Test failed: no signal from step 2");
        return Task.FromResult(ok ? 0 : 1);
    }
}
