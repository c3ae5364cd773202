using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Zera.Transports;

/// <summary>
/// Zera's I/O threads on Linux: epoll loops that run the tcp and ipc connections' engines themselves, as libzmq's I/O
/// threads do. Without them every read that waits completes on .NET's socket thread and then continues on a
/// thread-pool worker, which after its short piece of work spins (sched_yield) before it sleeps: on a 2-core machine
/// that spin took about a quarter of the CPU of a 64 B stream and halved its rate (bench/stages.py, bench/RESULTS.md
/// "Where a message's CPU goes").
/// </summary>
/// <remarks>
/// Each connection's socket is registered once, edge-triggered, for input and output (<see cref="IoRegistration"/>),
/// with the loop that has the fewest connections (up to <see cref="ThreadCount"/> loops, each started when first
/// chosen), and stays there; an edge resumes the engine's waiting read or write right there, on that loop's thread, and
/// the engine runs until it waits again. Work from other threads (a send loop to wake, a connection to close, a yield)
/// is posted to the loop's queue and an eventfd wakes it; a post from the loop's own thread needs no wake-up. A loop's
/// thread stays once started, blocked in epoll_wait while nothing happens (no CPU). No lock is taken per event.
/// <c>ZERA_IO_THREAD=0</c> in the environment turns the loops off (the engines then use .NET's asynchronous sockets, as
/// on other systems).
/// </remarks>
internal sealed unsafe partial class IoLoop
{
    /// <summary>The most loops a process may have (<see cref="ThreadCount"/>'s upper bound).</summary>
    public const int MaxThreads = 64;

    private const int Batch = 128;
    private const long WakeId = 0;

    private static readonly Lock s_startLock = new();
    private static readonly IoLoop?[] s_loops = new IoLoop?[MaxThreads];
    private static long s_nextId;
    private static int s_threadCount = DefaultThreadCount();

    [ThreadStatic]
    private static IoLoop? t_current;

    private readonly ConcurrentDictionary<long, IoRegistration> _registrations = new();
    private readonly ConcurrentQueue<IIoWork> _posted = new();
    private readonly int _epfd;
    private readonly int _eventFd;
    private int _connections;
    private int _wakeRequested;

    private IoLoop(int epfd, int eventFd)
    {
        _epfd = epfd;
        _eventFd = eventFd;
    }

    /// <summary>True where the engines run on these loops: Linux on x86-64 or arm64, unless ZERA_IO_THREAD=0.</summary>
    public static bool IsEnabled { get; } = Epoll.IsSupported
        && Environment.GetEnvironmentVariable("ZERA_IO_THREAD") != "0";

    /// <summary>True on one of the loops' threads.</summary>
    public static bool OnLoopThread => t_current != null;

    /// <summary>How many loops new connections are spread over (the public face is <see cref="Context.IoThreads"/>).
    /// Lowering it leaves the connections already on a higher loop where they are.</summary>
    public static int ThreadCount
    {
        get => Volatile.Read(ref s_threadCount);
        set => Volatile.Write(ref s_threadCount, value);
    }

    /// <summary>Two loops where there are two cores or more, unless <c>ZERA_IO_THREADS</c> says otherwise: a process that
    /// both receives and sends (a proxy, a broker) then decodes on one core while it encodes on the other, and a
    /// process with a single connection still starts only one thread.</summary>
    private static int DefaultThreadCount()
    {
        var text = Environment.GetEnvironmentVariable("ZERA_IO_THREADS");
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n)
            && n is >= 1 and <= MaxThreads)
            return n;
        return Math.Clamp(Environment.ProcessorCount, 1, 2);
    }

    /// <summary>Runs <paramref name="work"/> on this loop's thread soon (after the events it is handling now).</summary>
    public void Post(IIoWork work)
    {
        _posted.Enqueue(work);
        if (t_current == this) return; // the loop drains the queue before it waits again
        if (Interlocked.Exchange(ref _wakeRequested, 1) != 0) return; // a wake-up is on its way already
        ulong one = 1;
        Epoll.write(_eventFd, &one, 8);
    }

    /// <summary>Registers <paramref name="registration"/>'s descriptor with the least busy loop, edge-triggered for
    /// input and output; null when no loop can run or the kernel refused (the caller falls back to .NET's sockets).</summary>
    internal static IoLoop? Add(IoRegistration registration, int fd)
    {
        var loop = Choose();
        if (loop == null) return null;
        registration.Id = Interlocked.Increment(ref s_nextId);
        registration.Loop = loop;
        loop._registrations[registration.Id] = registration;
        Interlocked.Increment(ref loop._connections);
        if (Epoll.Control(loop._epfd, Epoll.CtlAdd, fd, Epoll.In | Epoll.Out | Epoll.RdHup | Epoll.EdgeTriggered, registration.Id) == 0)
            return loop;
        loop.Forget(registration);
        return null;
    }

    /// <summary>Stops events for <paramref name="registration"/>; an event already taken from the kernel finds no one.</summary>
    internal void Remove(IoRegistration registration, int fd)
    {
        Forget(registration);
        if (fd >= 0) Epoll.Control(_epfd, Epoll.CtlDel, fd, 0, 0);
    }

    private void Forget(IoRegistration registration)
    {
        if (_registrations.TryRemove(registration.Id, out _)) Interlocked.Decrement(ref _connections);
    }

    /// <summary>The loop with the fewest registrations among the first <see cref="ThreadCount"/> (an empty one at once,
    /// a loop not started yet counting as empty); null when it cannot be started.</summary>
    private static IoLoop? Choose()
    {
        int count = ThreadCount;
        int best = 0;
        int bestLoad = int.MaxValue;
        for (int i = 0; i < count; i++)
        {
            var loop = Volatile.Read(ref s_loops[i]);
            int load = loop == null ? 0 : Volatile.Read(ref loop._connections);
            if (load < bestLoad)
            {
                best = i;
                bestLoad = load;
                if (load == 0) break;
            }
        }
        return Volatile.Read(ref s_loops[best]) ?? Start(best);
    }

    private static IoLoop? Start(int index)
    {
        lock (s_startLock)
        {
            if (s_loops[index] is { } started) return started;
            int epfd = Epoll.epoll_create1(Epoll.CloseOnExec);
            if (epfd < 0) return null;
            int efd = Epoll.eventfd(0, Epoll.CloseOnExec | 0x800); // EFD_CLOEXEC | EFD_NONBLOCK
            if (efd < 0)
            {
                Epoll.close(epfd);
                return null;
            }
            if (Epoll.Control(epfd, Epoll.CtlAdd, efd, Epoll.In, WakeId) != 0)
            {
                Epoll.close(efd);
                Epoll.close(epfd);
                return null;
            }
            var loop = new IoLoop(epfd, efd);
            string name = index == 0 ? "Zera I/O" : "Zera I/O " + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            new Thread(loop.Run) { IsBackground = true, Name = name }.Start();
            Volatile.Write(ref s_loops[index], loop);
            return loop;
        }
    }

    private void Run()
    {
        t_current = this;
        byte* events = stackalloc byte[Batch * 16];
        while (true)
        {
            int n = Epoll.epoll_wait(_epfd, events, Batch, _posted.IsEmpty ? -1 : 0);
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
                    Epoll.read(_eventFd, &count, 8);
                    Volatile.Write(ref _wakeRequested, 0);
                    continue;
                }
                if (_registrations.TryGetValue(id, out var registration)) RunSafely(registration, mask);
            }
            // Only what is queued now: work that posts itself again (a yielding engine) waits for the next round, so
            // the sockets' events are taken between.
            for (int left = _posted.Count; left > 0 && _posted.TryDequeue(out var work); left--) RunSafely(work, 0);
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

/// <summary>Something an I/O loop runs on its thread: a registration's event or a posted piece of work.</summary>
internal interface IIoWork
{
    /// <summary>Runs on the loop's thread; <paramref name="events"/> is epoll's mask for an event, 0 for posted work.</summary>
    void Run(uint events);
}
