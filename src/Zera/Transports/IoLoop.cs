using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Zera.Transports;

/// <summary>
/// Zera's I/O thread on Linux: one epoll loop for the whole process that runs the tcp and ipc connections' engines
/// itself, as libzmq's I/O thread does. Without it every read that waits completes on .NET's socket thread and then
/// continues on a thread-pool worker, which after its short piece of work spins (sched_yield) before it sleeps: on a
/// 2-core machine that spin took about a quarter of the CPU of a 64 B stream and halved its rate
/// (bench/stages.py, bench/RESULTS.md "Where a message's CPU goes").
/// </summary>
/// <remarks>
/// Each connection's socket is registered once, edge-triggered, for input and output (<see cref="IoRegistration"/>);
/// an edge resumes the engine's waiting read or write right here, on the loop's thread, and the engine runs until it
/// waits again. Work from other threads (a send loop to wake, a connection to close, a yield) is posted to a queue and
/// an eventfd wakes the loop; a post from the loop's own thread needs no wake-up. The thread starts with the first
/// connection and then stays, blocked in epoll_wait while nothing happens (no CPU). No lock is taken per event.
/// <c>ZERA_IO_THREAD=0</c> in the environment turns it off (the engines then use .NET's asynchronous sockets, as on
/// other systems).
/// </remarks>
internal static unsafe partial class IoLoop
{
    private const int Batch = 128;
    private const long WakeId = 0;

    private static readonly Lock s_startLock = new();
    private static readonly ConcurrentDictionary<long, IoRegistration> s_registrations = new();
    private static readonly ConcurrentQueue<IIoWork> s_posted = new();
    private static long s_nextId;
    private static int s_epfd = -1;
    private static int s_eventFd = -1;
    private static int s_wakeRequested;

    [ThreadStatic]
    private static bool t_onLoop;

    /// <summary>True where the engines run on this loop: Linux on x86-64 or arm64, unless ZERA_IO_THREAD=0.</summary>
    public static bool IsEnabled { get; } = Epoll.IsSupported
        && Environment.GetEnvironmentVariable("ZERA_IO_THREAD") != "0";

    /// <summary>True on the loop's own thread.</summary>
    public static bool OnLoopThread => t_onLoop;

    /// <summary>Runs <paramref name="work"/> on the loop's thread soon (after the events it is handling now).</summary>
    public static void Post(IIoWork work)
    {
        s_posted.Enqueue(work);
        if (t_onLoop) return; // the loop drains the queue before it waits again
        if (Interlocked.Exchange(ref s_wakeRequested, 1) != 0) return; // a wake-up is on its way already
        ulong one = 1;
        Epoll.write(s_eventFd, &one, 8);
    }

    /// <summary>Registers <paramref name="registration"/>'s descriptor, edge-triggered for input and output; false when
    /// the loop cannot run or the kernel refused (the caller falls back to .NET's sockets).</summary>
    internal static bool Add(IoRegistration registration, int fd)
    {
        if (!EnsureStarted()) return false;
        registration.Id = Interlocked.Increment(ref s_nextId);
        s_registrations[registration.Id] = registration;
        if (Epoll.Control(s_epfd, Epoll.CtlAdd, fd, Epoll.In | Epoll.Out | Epoll.RdHup | Epoll.EdgeTriggered, registration.Id) == 0) return true;
        s_registrations.TryRemove(registration.Id, out _);
        return false;
    }

    /// <summary>Stops events for <paramref name="registration"/>; an event already taken from the kernel finds no one.</summary>
    internal static void Remove(IoRegistration registration, int fd)
    {
        s_registrations.TryRemove(registration.Id, out _);
        if (fd >= 0) Epoll.Control(s_epfd, Epoll.CtlDel, fd, 0, 0);
    }

    private static bool EnsureStarted()
    {
        if (Volatile.Read(ref s_epfd) >= 0) return true;
        lock (s_startLock)
        {
            if (s_epfd >= 0) return true;
            int epfd = Epoll.epoll_create1(Epoll.CloseOnExec);
            if (epfd < 0) return false;
            int efd = Epoll.eventfd(0, Epoll.CloseOnExec | 0x800); // EFD_CLOEXEC | EFD_NONBLOCK
            if (efd < 0)
            {
                Epoll.close(epfd);
                return false;
            }
            s_eventFd = efd;
            Volatile.Write(ref s_epfd, epfd);
            if (Epoll.Control(epfd, Epoll.CtlAdd, efd, Epoll.In, WakeId) != 0)
            {
                Epoll.close(efd);
                Epoll.close(epfd);
                s_eventFd = -1;
                Volatile.Write(ref s_epfd, -1);
                return false;
            }
            new Thread(Run) { IsBackground = true, Name = "Zera I/O" }.Start();
            return true;
        }
    }

    private static void Run()
    {
        t_onLoop = true;
        byte* events = stackalloc byte[Batch * 16];
        while (true)
        {
            int n = Epoll.epoll_wait(s_epfd, events, Batch, s_posted.IsEmpty ? -1 : 0);
            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == Epoll.EIntr) continue;
                Environment.FailFast("Zera's I/O loop: epoll_wait failed with errno " + Marshal.GetLastPInvokeError());
            }
            for (int i = 0; i < n; i++)
            {
                var (mask, id) = Epoll.EventAt(events, i);
                if (id == WakeId)
                {
                    ulong count;
                    Epoll.read(s_eventFd, &count, 8);
                    Volatile.Write(ref s_wakeRequested, 0);
                    continue;
                }
                if (s_registrations.TryGetValue(id, out var registration)) RunSafely(registration, mask);
            }
            // Only what is queued now: work that posts itself again (a yielding engine) waits for the next round, so
            // the sockets' events are taken between.
            for (int left = s_posted.Count; left > 0 && s_posted.TryDequeue(out var work); left--) RunSafely(work, 0);
        }
    }

    private static void RunSafely(IIoWork work, uint mask)
    {
        try
        {
            work.Run(mask);
        }
        catch (Exception e)
        {
            // The engines' code runs in async methods, whose exceptions end up in their own tasks; anything that
            // reaches here is a defect in this file's small code. The loop outlives it, to serve every other
            // connection, and says so where a trace listener sees it.
            System.Diagnostics.Trace.TraceError("Zera's I/O loop: unexpected exception: " + e);
        }
    }
}

/// <summary>Something the I/O loop runs on its thread: a registration's event or a posted piece of work.</summary>
internal interface IIoWork
{
    /// <summary>Runs on the loop's thread; <paramref name="events"/> is epoll's mask for an event, 0 for posted work.</summary>
    void Run(uint events);
}
