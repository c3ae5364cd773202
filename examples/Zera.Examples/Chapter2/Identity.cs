using Zera.Examples.Infrastructure;

namespace Zera.Examples.Chapter2;

/// <summary>identity: what a ROUTER sees of its peers. A REQ with no routing id of its own gets one made up by the
/// ROUTER (5 bytes, the first zero); one that sets <see cref="ZeraSocket.RoutingId"/> is known by that.</summary>
public sealed class Identity : IExample
{
    /// <inheritdoc/>
    public static string Name => "identity";

    /// <inheritdoc/>
    public static string Summary => "ROUTER routing ids: generated for an anonymous REQ, chosen by a named one";

    /// <inheritdoc/>
    public static string Usage => "(no options)";

    /// <inheritdoc/>
    public static async Task<int> RunAsync(ExampleArgs args, CancellationToken interrupted)
    {
        args.EnsureAllRead();
        using var context = new Context();
        using var sink = context.CreateSocket(SocketType.Router);
        sink.Bind("inproc://example");

        using var anonymous = context.CreateSocket(SocketType.Req);
        anonymous.Connect("inproc://example");
        anonymous.Send("ROUTER uses a generated 5 byte identity");
        await sink.DumpAsync(Console.Out, interrupted);

        using var identified = context.CreateSocket(SocketType.Req);
        identified.RoutingId = "PEER2"u8.ToArray();
        identified.Connect("inproc://example");
        identified.Send("ROUTER socket uses REQ's socket identity");
        await sink.DumpAsync(Console.Out, interrupted);
        return 0;
    }
}
