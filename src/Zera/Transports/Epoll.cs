using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Zera.Transports;

/// <summary>
/// libc's epoll and eventfd, as Zera's two epoll users need them (<see cref="IoLoop"/> for connections,
/// <see cref="EpollReadiness"/> for the poller's plain sockets): the calls, the flags, and the layout of
/// <c>struct epoll_event</c>, which is packed on x86-64 (12 bytes: events, then the 64-bit data at offset 4) and
/// naturally aligned elsewhere (16 bytes, data at offset 8).
/// </summary>
internal static unsafe partial class Epoll
{
    public const int CtlAdd = 1, CtlDel = 2, CtlMod = 3;
    public const uint In = 0x001, Out = 0x004, Err = 0x008, Hup = 0x010, RdHup = 0x2000;
    public const uint OneShot = 1u << 30, EdgeTriggered = 1u << 31;
    public const int EIntr = 4, ENoEnt = 2, EExist = 17;
    public const int CloseOnExec = 0x80000;

    private static readonly bool s_packed = RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <summary>True where epoll is there to use: Linux on x86-64 or arm64.</summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>Bytes per <c>struct epoll_event</c>; a buffer of <c>16 * n</c> bytes holds n on every architecture.</summary>
    public static int EventSize => s_packed ? 12 : 16;

    /// <summary>epoll_ctl with <paramref name="events"/> and <paramref name="data"/>; 0, or the errno.</summary>
    public static int Control(int epfd, int op, int fd, uint events, long data)
    {
        byte* ev = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(ev, 4), events);
        BinaryPrimitives.WriteInt64LittleEndian(new Span<byte>(ev + DataOffset, 8), data);
        return epoll_ctl(epfd, op, fd, ev) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>The <paramref name="index"/>-th event of an epoll_wait buffer: its mask and its data.</summary>
    public static (uint Events, long Data) EventAt(byte* buffer, int index)
    {
        byte* ev = buffer + index * EventSize;
        return (BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(ev, 4)),
                BinaryPrimitives.ReadInt64LittleEndian(new ReadOnlySpan<byte>(ev + DataOffset, 8)));
    }

    private static int DataOffset => s_packed ? 4 : 8;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_wait(int epfd, byte* events, int maxevents, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int eventfd(uint initval, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint read(int fd, void* buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint write(int fd, void* buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);
}
