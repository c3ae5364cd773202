using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Zera;

// "One socket, one thread": a socket's state (its pattern, its pending peers, its pipes' ends) has no locks, so calls
// that overlap would corrupt it silently. One word per socket says who uses it now, so an overlap is refused with
// InvalidState instead. Two pending asynchronous calls of opposite directions are allowed; their steps (the
// synchronous part of the second call, each one's continuation) take turns through the same word, so even they never
// run socket code at the same time.
//
// The word: Running = a call is executing socket code now (a synchronous call, the synchronous part of an
// asynchronous one, one step of a pending asynchronous call's continuation, Dispose); Resuming = the Running holder is
// such a continuation step (a call of the other direction waits for it rather than failing); SendPending /
// ReceivePending = an asynchronous send / receive is pending; above them, the managed thread id of the Running holder,
// for the message.
//
// Invariant: the word changes only by a CompareExchange that sets Running on a value without it, or by a plain store
// from the Running holder. So the holder knows the whole word and leaves with a plain store: a call costs one
// interlocked operation (about 7 ns here: an inproc send plus receive in bench/Zera.Benchmarks went from 28 to 43 ns
// per message, tcp and cross-thread throughput within noise). A plain read and store on entry would cost almost
// nothing but would not be exact: two calls starting a few nanoseconds apart would both pass, and the second one's
// exit would then erase the first one's mark, hiding every later overlap with it (a thread blocked for minutes).
public sealed partial class ZeraSocket
{
    private const int Running = 1;
    private const int Resuming = 2;
    private const int SendPending = 4;
    private const int ReceivePending = 8;
    private const int ThreadShift = 4;

    private int _use;

    private static int Holder(int flags) => flags | (Environment.CurrentManagedThreadId << ThreadShift);

    /// <summary>Enters a synchronous call: nothing else may be running or pending. Leave with <see cref="Exit"/>.</summary>
    private void Enter()
    {
        int seen = Interlocked.CompareExchange(ref _use, Holder(Running), 0);
        if (seen != 0) ThrowOverlap(seen);
        if (_disposed)
        {
            Volatile.Write(ref _use, 0);
            ThrowDisposed();
        }
    }

    /// <summary>Leaves a synchronous call entered with <see cref="Enter"/>.</summary>
    private void Exit() => Volatile.Write(ref _use, 0);

    /// <summary>Enters the synchronous part of an asynchronous call whose pending flag is <paramref name="pending"/>:
    /// nothing may be running but a step of the other direction's pending call (waited for), and no call of this
    /// direction may be pending. Returns the word to leave with (<see cref="Leave"/>), the other direction's flag if it
    /// is pending.</summary>
    private int EnterAsync(int pending)
    {
        int seen = Interlocked.CompareExchange(ref _use, Holder(Running), 0);
        if (seen != 0) return EnterAsyncContended(pending, seen);
        if (_disposed)
        {
            Volatile.Write(ref _use, 0);
            ThrowDisposed();
        }
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int EnterAsyncContended(int pending, int seen)
    {
        var spinner = new SpinWait();
        while (true)
        {
            bool otherCallRunning = (seen & Running) != 0 && (seen & Resuming) == 0;
            if ((seen & pending) != 0 || otherCallRunning) ThrowOverlap(seen);
            if ((seen & Running) == 0)
            {
                int now = Interlocked.CompareExchange(ref _use, seen | Holder(Running), seen);
                if (now == seen)
                {
                    if (_disposed)
                    {
                        Volatile.Write(ref _use, seen);
                        ThrowDisposed();
                    }
                    return seen;
                }
                seen = now;
                continue;
            }
            // The other direction's pending call is taking one step (a few pipe operations): wait for it.
            spinner.SpinOnce();
            seen = Volatile.Read(ref _use);
        }
    }

    /// <summary>Starts one step of a pending asynchronous call's continuation (after a wake-up, or to give up its
    /// pending flag): waits while another step or the synchronous part of a call of the other direction runs.
    /// Returns the word to leave with (<see cref="Leave"/>), which holds this call's pending flag.</summary>
    private int Resume()
    {
        int me = Holder(Running | Resuming);
        int seen = Volatile.Read(ref _use);
        if ((seen & Running) == 0 && Interlocked.CompareExchange(ref _use, seen | me, seen) == seen) return seen;
        return ResumeContended(me);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int ResumeContended(int me)
    {
        var spinner = new SpinWait();
        while (true)
        {
            int seen = Volatile.Read(ref _use);
            if ((seen & Running) == 0 && Interlocked.CompareExchange(ref _use, seen | me, seen) == seen) return seen;
            spinner.SpinOnce();
        }
    }

    /// <summary>Leaves the part entered by <see cref="EnterAsync"/> or <see cref="Resume"/>: <paramref name="word"/>
    /// is what they returned, with this call's pending flag added (still pending) or removed (done).</summary>
    private void Leave(int word) => Volatile.Write(ref _use, word);

    /// <summary>Dispose takes the socket from whatever still holds it. A call still running is another thread's (the
    /// caller woke it, and it sees the disposal at once) or, never in practice, this thread's own: then Dispose runs
    /// inside it rather than wait for itself. Returns false in that case (nothing to leave).</summary>
    private bool EnterForDispose(out int word)
    {
        int me = Holder(Running);
        var spinner = new SpinWait();
        while (true)
        {
            int seen = Volatile.Read(ref _use);
            if ((seen & Running) == 0)
            {
                if (Interlocked.CompareExchange(ref _use, seen | me, seen) == seen)
                {
                    word = seen;
                    return true;
                }
                continue;
            }
            if ((seen & Resuming) == 0 && seen >> ThreadShift == Environment.CurrentManagedThreadId)
            {
                word = 0;
                return false;
            }
            spinner.SpinOnce();
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowOverlap(int seen)
    {
        // A call racing Dispose on another thread is told the socket is gone, which is what it needs to know.
        if (Volatile.Read(ref _disposed)) ThrowDisposed();
        string what;
        if ((seen & Running) != 0 && (seen & Resuming) == 0)
        {
            int thread = seen >> ThreadShift;
            what = thread == Environment.CurrentManagedThreadId
                ? $"another call on this socket is still running (on this thread, {thread}: a call made from inside a call)"
                : $"another call on this socket is still running (on thread {thread})";
        }
        else
        {
            what = (seen & (SendPending | ReceivePending)) switch
            {
                SendPending | ReceivePending => "an asynchronous send and an asynchronous receive on this socket are",
                SendPending => "an asynchronous send on this socket is",
                _ => "an asynchronous receive on this socket is",
            } + " still pending (only one asynchronous send and one asynchronous receive may be pending together, " +
                "and no other call may overlap them)";
        }
        throw new ZeraException(ErrorKind.InvalidState, $"a ZeraSocket is used by one thread at a time: {what}");
    }
}
