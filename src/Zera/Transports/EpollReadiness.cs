using System.Buffers.Binary;
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
    private const int EpollCtlAdd = 1, EpollCtlDel = 2, EpollCtlMod = 3;
    private const uint EpollIn = 0x001, EpollOut = 0x004, EpollOneShot = 1u << 30;
    private const int EIntr = 4, ENoEnt = 2, EExist = 17;
    private const int Batch = 64;

    // struct epoll_event is packed on x86-64 (12 bytes: events, then the 64-bit data at offset 4) and naturally
    // aligned elsewhere (16 bytes, data at offset 8).
    private static readonly bool s_packed = RuntimeInformation.ProcessArchitecture == Architecture.X64;
    private static int EventSize => s_packed ? 12 : 16;
    private static int DataOffset => s_packed ? 4 : 8;

    private static readonly Lock s_lock = new();
    private static readonly Dictionary<long, Watch> s_watches = [];
    private static long s_nextId;
    private static int s_epfd = -1;

    /// <summary>True where epoll is there to use: Linux on x86-64 or arm64.</summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

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
            int fd = epoll_create1(0x80000); // EPOLL_CLOEXEC
            if (fd < 0) return false;
            var thread = new Thread(Run) { IsBackground = true, Name = "Zera plain-socket readiness" };
            Volatile.Write(ref s_epfd, fd);
            thread.Start();
            return true;
        }
    }

    private static void Run()
    {
        int size = EventSize;
        byte* events = stackalloc byte[Batch * 16];
        while (true)
        {
            int n = epoll_wait(s_epfd, events, Batch, -1);
            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == EIntr) continue;
                return; // the epoll descriptor is unusable: watches fall back to nothing, their owners still time out
            }
            for (int i = 0; i < n; i++)
            {
                long id = BinaryPrimitives.ReadInt64LittleEndian(new ReadOnlySpan<byte>(events + i * size + DataOffset, 8));
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
            uint mask = EpollOneShot | (readable ? EpollIn : 0) | (writable ? EpollOut : 0);
            var handle = socket.SafeHandle;
            bool held = false;
            try
            {
                // Held across the call: the descriptor number cannot be closed and reused by another socket meanwhile.
                handle.DangerousAddRef(ref held);
                int fd = (int)handle.DangerousGetHandle();
                int op = _added ? EpollCtlMod : EpollCtlAdd;
                int error = Control(op, fd, mask);
                // The kernel forgets a registration when the socket is closed and another may now hold the number;
                // one that exists already (our MOD raced nothing, but an ADD after a forgotten close) is modified.
                if (error == ENoEnt && op == EpollCtlMod) error = Control(EpollCtlAdd, fd, mask);
                else if (error == EExist && op == EpollCtlAdd) error = Control(EpollCtlMod, fd, mask);
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

        private int Control(int op, int fd, uint mask)
        {
            byte* ev = stackalloc byte[16];
            BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(ev, 4), mask);
            BinaryPrimitives.WriteInt64LittleEndian(new Span<byte>(ev + DataOffset, 8), Id);
            return epoll_ctl(s_epfd, op, fd, ev) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }

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
                epoll_ctl(s_epfd, EpollCtlDel, (int)handle.DangerousGetHandle(), null);
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

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epfd, byte* events, int maxevents, int timeout);
}
