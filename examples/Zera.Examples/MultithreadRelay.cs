namespace Zera.Examples;

/// <summary>The Guide's mtrelay: threads signal each other through inproc PAIR sockets, a relay race where each
/// step waits for the previous one.</summary>
public static class MultithreadRelay
{
    public static int Run(string[] args)
    {
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
        return ok ? 0 : 1;
    }
}
