using System.Net;
using System.Net.Sockets;

namespace Zera.Transports;

internal sealed partial class IoLoop
{
    /// <summary>
    /// Connects <paramref name="socket"/> to <paramref name="endPoint"/>. With the loop on, a non-blocking connect whose
    /// completion the loop reports: .NET's ConnectAsync would register the socket with .NET's own epoll for good, and
    /// every later edge of the connection would then also wake .NET's socket thread and a thread-pool worker, the very
    /// cost the loop removes. An ipc connect that would block (the listener's backlog is full) fails, to be retried
    /// after the reconnect interval, as libzmq's does.
    /// </summary>
    public static async ValueTask ConnectAsync(Socket socket, EndPoint endPoint, CancellationToken cancel)
    {
        if (!IsEnabled)
        {
            await socket.ConnectAsync(endPoint, cancel).ConfigureAwait(false);
            return;
        }
        cancel.ThrowIfCancellationRequested();
        socket.Blocking = false;
        try
        {
            socket.Connect(endPoint);
            return;
        }
        catch (SocketException e) when (socket.AddressFamily != AddressFamily.Unix
                                        && e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            // In progress: wait below for the socket to become writable.
        }
        var registration = IoRegistration.Create(socket);
        if (registration == null)
        {
            await socket.ConnectAsync(endPoint, cancel).ConfigureAwait(false);
            return;
        }
        bool ready;
        using (cancel.UnsafeRegister(static r => ((IoRegistration)r!).Dispose(), registration))
        {
            // A new registration reports the socket's state once, so the edge cannot come before this wait counts it.
            ready = await registration.Writable.WaitAsync(0).ConfigureAwait(false);
            registration.Dispose();
        }
        cancel.ThrowIfCancellationRequested();
        if (!ready) throw new ObjectDisposedException(nameof(Socket));
        var error = (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
        if (error != SocketError.Success) throw new SocketException((int)error);
    }
}
