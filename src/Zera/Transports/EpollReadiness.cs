using System.Net.Sockets;
using System.Runtime.InteropServices;
using Zera.Core;

namespace Zera.Transports;

/// <summary>
/// Wakes a waiter when a plain OS socket becomes ready, on Linux. .NET can wait for "readable" on a connected stream
/// socket (a zero-byte receive), but not for "writable", nor for a listening or datagram socket, without an
/// operation that consumes something; libc's epoll can. One epoll instance and one thread serve the whole process:
/// started on first use, blocked in epoll_wait while nothing is ready (no CPU), and never woken for a change of
/// registrations, which epoll_ctl makes from the caller's thread. Each <see cref="Watch"/> is a one-shot registration
/// its owner re-arms before each wait, so a socket that stays ready wakes it once per wait, not in a loop.
/// </summary>
internal static unsafe partial class EpollReadiness
{
    private const int Batch = 64;

    private static readonly Lock s_lock = new();
    private static readonly Dictionary<long, Watch> s_watches = [];
    private static long s_nextId;
    private static int s_epfd = -1;

    /// <summary>True where epoll is there to use: Linux on x86-64 or arm64.</summary>
    public static bool IsSupported => Epoll.IsSupported;

    /// <summary>A registration for <paramref name="socket"/> that sets <paramref name="signal"/> when it becomes ready
    /// for what <see cref="Watch.Arm"/> asks; null when epoll cannot be used (the caller then re-checks).</summary>
    public static Watch? Create(Socket socket, Signal signal)
    {
        if (!IsSupported || !EnsureStarted()) return null;
        lock (s_lock)
        {
            var watch = new Watch(++s_nextId, socket, signal);
            s_watches.Add(watch.Id, watch);
            return watch;
        }
    }

    private static bool EnsureStarted()
    {
        if (Volatile.Read(ref s_epfd) >= 0) return true;
        lock (s_lock)
        {
            if (s_epfd >= 0) return true;
            int fd = Epoll.epoll_create1(Epoll.CloseOnExec);
            if (fd < 0) return false;
            var thread = new Thread(Run) { IsBackground = true, Name = "Zera plain-socket readiness" };
            Volatile.Write(ref s_epfd, fd);
            thread.Start();
            return true;
        }
    }

    private static void Run()
    {
        byte* events = stackalloc byte[Batch * 16];
        while (true)
        {
            int n = Epoll.epoll_wait(s_epfd, events, Batch, -1);
            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == Epoll.EIntr) continue;
                return; // the epoll descriptor is unusable: watches fall back to nothing, their owners still time out
            }
            for (int i = 0; i < n; i++)
            {
                long id = Epoll.EventAt(events, i).Data;
                Watch? watch;
                lock (s_lock) s_watches.TryGetValue(id, out watch);
                watch?.Fire();
            }
        }
    }

    /// <summary>One socket's registration. Used by its owner's thread (arm, dispose); fired on the epoll thread.</summary>
    internal sealed class Watch(long id, Socket socket, Signal signal) : IDisposable
    {
        private bool _added;

        public long Id { get; } = id;

        public void Fire() => signal.Set();

        /// <summary>Arms one wake-up for <paramref name="readable"/> and/or <paramref name="writable"/> (errors and
        /// hang-ups always count). False when the socket cannot be registered (the caller re-checks instead); a closed
        /// socket sets the signal, so the next check reports it.</summary>
        public bool Arm(bool readable, bool writable)
        {
            uint mask = Epoll.OneShot | (readable ? Epoll.In : 0) | (writable ? Epoll.Out : 0);
            var handle = socket.SafeHandle;
            bool held = false;
            try
            {
                // Held across the call: the descriptor number cannot be closed and reused by another socket meanwhile.
                handle.DangerousAddRef(ref held);
                int fd = (int)handle.DangerousGetHandle();
                int op = _added ? Epoll.CtlMod : Epoll.CtlAdd;
                int error = Control(op, fd, mask);
                // The kernel forgets a registration when the socket is closed and another may now hold the number;
                // one that exists already (our MOD raced nothing, but an ADD after a forgotten close) is modified.
                if (error == Epoll.ENoEnt && op == Epoll.CtlMod) error = Control(Epoll.CtlAdd, fd, mask);
                else if (error == Epoll.EExist && op == Epoll.CtlAdd) error = Control(Epoll.CtlMod, fd, mask);
                _added = error == 0;
                return _added;
            }
            catch (ObjectDisposedException)
            {
                signal.Set();
                return true;
            }
            finally
            {
                if (held) handle.DangerousRelease();
            }
        }

        private int Control(int op, int fd, uint mask) => Epoll.Control(s_epfd, op, fd, mask, Id);

        /// <summary>Removes the registration (the socket stays open).</summary>
        public void Dispose()
        {
            lock (s_lock) s_watches.Remove(Id);
            if (!_added) return;
            _added = false;
            var handle = socket.SafeHandle;
            bool held = false;
            try
            {
                handle.DangerousAddRef(ref held);
                Epoll.Control(s_epfd, Epoll.CtlDel, (int)handle.DangerousGetHandle(), 0, 0);
            }
            catch (ObjectDisposedException)
            {
                // Closed: the kernel dropped the registration with the descriptor.
            }
            finally
            {
                if (held) handle.DangerousRelease();
            }
        }
    }
}
