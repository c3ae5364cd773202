using NetSocket = System.Net.Sockets.Socket;

namespace Zera;

/// <summary>One ready item reported by <see cref="Poller.Wait(Span{PollResult}, TimeSpan, CancellationToken)"/>:
/// which socket (a <see cref="ZeraSocket"/> or a plain <see cref="NetSocket"/>), what it is ready for, and the
/// user data given when it was added.</summary>
/// <param name="Socket">The Zera socket that is ready, or null for a plain socket.</param>
/// <param name="NetSocket">The plain socket that is ready, or null for a Zera socket.</param>
/// <param name="Events">What it is ready for now (only directions that were asked for).</param>
/// <param name="UserData">The object given to <c>Add</c>, or null.</param>
public readonly record struct PollResult(ZeraSocket? Socket, NetSocket? NetSocket, PollEvents Events, object? UserData)
{
    /// <summary>True when the item can receive now.</summary>
    public bool IsReadable => (Events & PollEvents.In) != 0;

    /// <summary>True when the item can send now.</summary>
    public bool IsWritable => (Events & PollEvents.Out) != 0;
}
