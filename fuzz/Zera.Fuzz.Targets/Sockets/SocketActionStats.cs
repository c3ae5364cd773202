namespace Zera.Fuzz.Sockets;

/// <summary>What one socket-action sequence did, so that a test can tell a sequence that checked something from one
/// that did nothing.</summary>
/// <param name="Actions">Actions run.</param>
/// <param name="FramesSent">Marked frames a chaos socket's send accepted.</param>
/// <param name="FramesReceived">Marked frames chaos sockets received (each checked against what was sent).</param>
/// <param name="TrackedDelivered">Messages of the tracked pairs received in order and intact.</param>
/// <param name="DocumentedErrors">Calls refused with a documented exception (ZeraException of an allowed kind,
/// ArgumentException).</param>
/// <param name="Log">The actions and their outcomes, one a line.</param>
public sealed record SocketActionStats(int Actions, int FramesSent, int FramesReceived, long TrackedDelivered, int DocumentedErrors, IReadOnlyList<string> Log);
