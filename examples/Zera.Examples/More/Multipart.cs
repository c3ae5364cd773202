using Zera.Examples.Infrastructure;

namespace Zera.Examples.More;

/// <summary>Multipart messages: a DEALER sends three frames, the ROUTER receives them with the DEALER's routing id
/// in front, and answers by putting that id first.</summary>
public sealed class Multipart : IExample
{
    /// <inheritdoc/>
    public static string Name => "multipart";

    /// <inheritdoc/>
    public static string Summary => "A DEALER's multipart message arrives at a ROUTER with the sender's routing id in front";

    /// <inheritdoc/>
    public static string Usage => "(no options)";

    /// <inheritdoc/>
    public static Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        args.EnsureAllRead();
        return Task.FromResult(Run());
    }

    private static int Run()
    {
        using var context = new Context();
        using var router = context.CreateSocket(SocketType.Router);
        router.Bind("inproc://multipart");
        using var dealer = context.CreateSocket(SocketType.Dealer);
        dealer.RoutingId = "client-1"u8.ToArray();
        dealer.Connect("inproc://multipart");

        dealer.SendMultipart("header", "", "body");
        if (!router.TryReceiveMultipart(TimeSpan.FromSeconds(5), out var parts)) return 1;
        Console.WriteLine("router received: " + string.Join(" | ", parts.Select(p => System.Text.Encoding.UTF8.GetString(p))));

        router.SendMultipart([parts[0], "reply"u8.ToArray()]);
        if (!dealer.TryReceiveMultipart(TimeSpan.FromSeconds(5), out var reply)) return 1;
        Console.WriteLine("dealer received: " + string.Join(" | ", reply.Select(p => System.Text.Encoding.UTF8.GetString(p))));
        return 0;
    }
}
