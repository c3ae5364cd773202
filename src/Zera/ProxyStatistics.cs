namespace Zera;

/// <summary>
/// What a <see cref="Proxy"/> has moved: frames and bytes received from and sent to each side. These are libzmq's
/// eight STATISTICS counters, in the same order, and like libzmq's they count frames (a three-part message is 3).
/// </summary>
/// <param name="FrontendReceivedFrames">Frames read from the frontend.</param>
/// <param name="FrontendReceivedBytes">Bytes of those frames.</param>
/// <param name="FrontendSentFrames">Frames written to the frontend.</param>
/// <param name="FrontendSentBytes">Bytes of those frames.</param>
/// <param name="BackendReceivedFrames">Frames read from the backend.</param>
/// <param name="BackendReceivedBytes">Bytes of those frames.</param>
/// <param name="BackendSentFrames">Frames written to the backend.</param>
/// <param name="BackendSentBytes">Bytes of those frames.</param>
public sealed record ProxyStatistics(
    ulong FrontendReceivedFrames, ulong FrontendReceivedBytes, ulong FrontendSentFrames, ulong FrontendSentBytes,
    ulong BackendReceivedFrames, ulong BackendReceivedBytes, ulong BackendSentFrames, ulong BackendSentBytes);
