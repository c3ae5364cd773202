namespace Zera;

// A proxy moves messages a burst at a time. Entering each socket once per burst, rather than once per frame through
// the public calls, takes the guard's two stores, the termination check and the pending-peer pass out of the
// per-message cost (the proxy's hot loop); the one-thread rule holds as for any call.
public sealed partial class ZeraSocket
{
    /// <summary>Enters the socket for a burst of <see cref="TryReceiveInBurst"/>, <see cref="TrySendInBurst"/> and
    /// <see cref="HasOutInBurst"/> calls; leave with <see cref="ExitBurst"/>.</summary>
    internal int EnterBurst()
    {
        int mark = Enter();
        try
        {
            _context.ThrowIfTerminated();
            ProcessPending();
        }
        catch
        {
            Exit(mark);
            throw;
        }
        return mark;
    }

    /// <summary>Leaves a burst entered with <see cref="EnterBurst"/>.</summary>
    internal void ExitBurst(int mark) => Exit(mark);

    /// <summary>A non-blocking receive inside a burst.</summary>
    internal bool TryReceiveInBurst(out Frame frame) => TryReceiveNow(out frame);

    /// <summary>A non-blocking send inside a burst.</summary>
    internal bool TrySendInBurst(ref Frame frame, bool more) => TrySendNow(ref frame, more);

    /// <summary><see cref="HasOut"/> inside a burst.</summary>
    internal bool HasOutInBurst => CheckOut();
}
