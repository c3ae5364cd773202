namespace Zera.Transports;

/// <summary>
/// The few errno values libzmq's monitor events carry where .NET gives no number (a <see cref="System.Net.Sockets.SocketException"/>
/// gives its own: <c>NativeErrorCode</c> is the errno on Linux and macOS, the WinSock code on Windows). The numbers differ
/// between platforms, so they are chosen at start-up.
/// </summary>
internal static class Errno
{
    private static readonly bool s_windows = OperatingSystem.IsWindows();
    private static readonly bool s_bsd = OperatingSystem.IsMacOS() || OperatingSystem.IsIOS() || OperatingSystem.IsTvOS() || OperatingSystem.IsFreeBSD();

    /// <summary>EPIPE: the peer closed the connection (libzmq's read reports end of stream so).</summary>
    public static readonly int PeerClosed = s_windows ? 10054 : 32;

    /// <summary>EINPROGRESS: a non-blocking connect has started (CONNECT_DELAYED's value).</summary>
    public static readonly int InProgress = s_windows ? 10036 : s_bsd ? 36 : 115;

    /// <summary>ETIMEDOUT: the handshake did not complete in time.</summary>
    public static readonly int TimedOut = s_windows ? 10060 : s_bsd ? 60 : 110;

    /// <summary>EFAULT: libzmq's value when a ZAP handler is needed and none is bound.</summary>
    public static readonly int Fault = s_windows ? 10014 : 14;

    /// <summary>EADDRINUSE.</summary>
    public static readonly int AddressInUse = s_windows ? 10048 : s_bsd ? 48 : 98;

    /// <summary>EMFILE: this process is out of file descriptors. .NET reports EMFILE and ENFILE alike as
    /// <c>SocketError.TooManyOpenSockets</c> with ENFILE's number; the per-process limit is by far the usual cause, and
    /// EMFILE is what libzmq's ACCEPT_FAILED carries then.</summary>
    public static readonly int TooManyOpenFiles = s_windows ? 10024 : 24;

    /// <summary>EADDRNOTAVAIL.</summary>
    public static readonly int AddressNotAvailable = s_windows ? 10049 : s_bsd ? 49 : 99;
}
