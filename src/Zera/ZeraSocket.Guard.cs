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
// Cost. A call on an idle socket (word 0) enters with a plain read and a plain store of its mark, and leaves with a
// plain read (is the mark still there?) and a plain store: no interlocked operation on the hot path. A
// CompareExchange on entry would make the check exact, but costs about 7 ns per call here, which showed as 18 % less
// inproc throughput (zera bench thr, 64 B) and 28 -> 43 ns per inproc send plus receive (bench/Zera.Benchmarks).
// Without it, two calls that start within the few nanoseconds before one's mark becomes visible to the other can
// both pass the entry; so the guard also checks at the points where that matters:
// - leaving: a call whose mark was overwritten has overlapped another one; it throws instead of returning (the
//   overlap is reported, late, and the other call, whose mark is there, carries on);
// - before waiting: a call about to block, or to stay pending, first checks its mark with a CompareExchange (the
//   slow path anyway), which also makes the mark visible to every thread, so every call that comes while it waits
//   is refused at once; after each wake-up it checks the mark again before it touches the socket, and a pending
//   asynchronous call checks that its pending flag is still there.
// So a call that starts while another is inside is refused before it does anything, except in the first nanoseconds
// of the other call; such a near-simultaneous start is reported (late) when either call leaves, wakes or resumes and
// finds its mark gone, unless the first call had finished before the second one marked the socket.
//
// An idle socket's word is written by plain stores only because nothing else may touch it in a correct program: no
// call is pending, so no continuation exists. Whenever the word is not 0 (an asynchronous call is pending, and its
// continuation may run on another thread at any moment) it changes only by a CompareExchange that sets Running on a
// value without it, or by a plain store from the Running holder; so the holder knows the whole word.
public sealed partial class ZeraSocket
{
    private const int Running = 1;
    private const int Resuming = 2;
    private const int SendPending = 4;
    private const int ReceivePending = 8;
    private const int ThreadShift = 4;
    private const int PendingFlags = SendPending | ReceivePending;

    private int _use;

    private static int Holder(int flags) => flags | (Environment.CurrentManagedThreadId << ThreadShift);

    /// <summary>Enters a synchronous call: nothing else may be running or pending. Returns this call's mark, to leave
    /// with (<see cref="Exit"/>).</summary>
    private int Enter()
    {
        int seen = Volatile.Read(ref _use);
        if (seen != 0) ThrowOverlap(seen);
        int mark = Holder(Running);
        Volatile.Write(ref _use, mark);
        if (_disposed)
        {
            Volatile.Write(ref _use, 0);
            ThrowDisposed();
        }
        return mark;
    }

    /// <summary>Leaves a synchronous call entered with <see cref="Enter"/>; throws if another call overwrote this
    /// one's mark meanwhile (then the word is that call's, and left to it).</summary>
    private void Exit(int mark)
    {
        int seen = Volatile.Read(ref _use);
        if (seen != mark) ThrowOverlap(seen);
        Volatile.Write(ref _use, 0);
    }

    /// <summary>Before a synchronous call waits: checks that its mark is still there and makes it visible to every
    /// thread, so that no call can start unseen while this one is blocked.</summary>
    private void CheckBeforeWait()
    {
        int mark = Holder(Running);
        int seen = Interlocked.CompareExchange(ref _use, mark, mark);
        if (seen != mark) ThrowOverlap(seen);
    }

    /// <summary>After a synchronous call woke up, before it touches the socket again: is its mark still there?</summary>
    private void CheckAfterWait()
    {
        int seen = Volatile.Read(ref _use);
        if (seen != Holder(Running)) ThrowOverlap(seen);
    }

    /// <summary>Enters the synchronous part of an asynchronous call whose pending flag is <paramref name="pending"/>:
    /// nothing may be running but a step of the other direction's pending call (waited for), and no call of this
    /// direction may be pending. Returns the word as this call holds it, to leave with <see cref="LeaveAsync"/>: this
    /// call's mark, with the other direction's pending flag if that call is pending.</summary>
    private int EnterAsync(int pending)
    {
        int seen = Volatile.Read(ref _use);
        if (seen != 0) return EnterAsyncContended(pending, seen);
        int mark = Holder(Running);
        Volatile.Write(ref _use, mark);
        if (_disposed)
        {
            Volatile.Write(ref _use, 0);
            ThrowDisposed();
        }
        return mark;
    }

    /// <summary>Leaves the synchronous part of an asynchronous call: <paramref name="held"/> is what
    /// <see cref="EnterAsync"/> returned, and <paramref name="pending"/> this call's flag if it stays pending (0 if it
    /// completed). Throws, leaving the word alone, if another call overwrote this one's mark meanwhile.</summary>
    private void LeaveAsync(int held, int pending)
    {
        int rest = held & PendingFlags;
        if (pending != 0)
        {
            // Staying pending: as before a synchronous wait, check and publish with a CompareExchange.
            int seen = Interlocked.CompareExchange(ref _use, rest | pending, held);
            if (seen != held) ThrowOverlap(seen);
            return;
        }
        int now = Volatile.Read(ref _use);
        if (now != held) ThrowOverlap(now);
        Volatile.Write(ref _use, rest);
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
                int held = seen | Holder(Running);
                int now = Interlocked.CompareExchange(ref _use, held, seen);
                if (now == seen)
                {
                    if (_disposed)
                    {
                        Volatile.Write(ref _use, seen);
                        ThrowDisposed();
                    }
                    return held;
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

    /// <summary>Ends a step started by <see cref="Resume"/> (or Dispose): <paramref name="word"/> is what it returned,
    /// with this call's pending flag removed if the call is done.</summary>
    private void Leave(int word) => Volatile.Write(ref _use, word);

    /// <summary>A pending asynchronous call found its pending flag gone: a call that started unseen (within
    /// nanoseconds of this one going pending) erased it.</summary>
    [DoesNotReturn]
    private static void ThrowOverlapWhilePending() =>
        throw new ZeraException(ErrorKind.InvalidState,
            "a ZeraSocket is used by one thread at a time: another call ran on this socket while this asynchronous call was pending");

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
        else if ((seen & (SendPending | ReceivePending)) == 0)
        {
            // Seen when leaving: the call that overwrote this one's mark has already left.
            what = "another call ran on this socket at the same time as this one";
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
