using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter2;

/// <summary>mspoller: reading from several sockets the right way. One <see cref="Poller"/> waits on both and wakes as
/// soon as either has a message, using no CPU in between.</summary>
public sealed class MsPoller : IExample
{
    /// <inheritdoc/>
    public static string Name => "mspoller";

    /// <inheritdoc/>
    public static string Summary => "Reads a PULL and a SUB socket in one thread with a Poller";

    /// <inheritdoc/>
    public static string Usage => MsReader.Usage;

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        string tasksEndpoint = args.Option("--tasks", "tcp://localhost:5557");
        string weatherEndpoint = args.Option("--weather", "tcp://localhost:5556");
        string zipcode = args.Option("--zipcode", "10001 ");
        int? count = args.OptionalInt("--count");
        args.EnsureAllRead();

        using var context = new Context();
        using var receiver = context.CreateSocket(SocketType.Pull);
        receiver.Connect(tasksEndpoint);
        using var subscriber = context.CreateSocket(SocketType.Sub);
        subscriber.Connect(weatherEndpoint);
        subscriber.Subscribe(zipcode);

        using var poller = new Poller();
        poller.Add(receiver, PollEvents.In);
        poller.Add(subscriber, PollEvents.In);
        var ready = new PollResult[2]; // reused by every wait
        int tasks = 0, updates = 0;
        while (count is null || tasks < count || updates < count)
        {
            int n = await poller.WaitAsync(ready, Timeout.InfiniteTimeSpan, interrupted);
            for (int i = 0; i < n; i++)
            {
                // Level-triggered: one message per wake-up, and the next wait reports what is left at once.
                using var message = ready[i].Socket!.Receive();
                if (ready[i].Socket == receiver)
                {
                    Console.WriteLine($"task: {message.GetString()}");
                    tasks++;
                }
                else
                {
                    Console.WriteLine($"weather: {message.GetString()}");
                    updates++;
                }
            }
        }
        return 0;
    }
}
