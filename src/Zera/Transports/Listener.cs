using System.Net;
using System.Net.Sockets;
using Zera.Core;
using NetSocket = System.Net.Sockets.Socket;

namespace Zera.Transports;

/// <summary>A bound tcp or ipc endpoint: accepts connections in the background and starts a session for each.</summary>
internal sealed class Listener : IEndpointHandle
{
    private readonly ISocketPort _socket;
    private readonly NetSocket _listener;
    private readonly Endpoint _endpoint;
    private readonly string? _ipcPath;
    private readonly Lock _lock = new();
    private readonly HashSet<AcceptSession> _sessions = [];
    private volatile bool _closed;

    private Listener(ISocketPort socket, NetSocket listener, Endpoint endpoint, string resolved, string? ipcPath)
    {
        _socket = socket;
        _listener = listener;
        _endpoint = endpoint;
        ResolvedEndpoint = resolved;
        _ipcPath = ipcPath;
        _fd = StreamEngine.DescriptorOf(listener);
    }

    // The listening socket's descriptor, for the events' values (kept for CLOSED, after the socket is gone).
    private readonly int _fd;

    public bool IsBound => true;

    /// <summary>The endpoint with wildcards resolved, as <c>LastEndpoint</c> reports it.</summary>
    public string ResolvedEndpoint { get; }

    /// <summary>Binds and starts accepting. Throws <see cref="ZeraException"/> with AddressInUse or
    /// AddressNotAvailable when the OS refuses.</summary>
    public static Listener Start(ISocketPort socket, Endpoint ep)
    {
        var o = socket.Options;
        NetSocket? s = null;
        try
        {
            Listener listener;
            if (ep.Transport == TransportKind.Ipc)
            {
                s = new NetSocket(AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, ProtocolType.Unspecified);
                string? path = ep.Address.StartsWith('@') ? null : ep.Address;
                if (path != null) RemoveStaleSocketFile(path, ep.Text);
                s.Bind(IpcEndPoint(ep.Address));
                s.Listen(Math.Max(1, o.Backlog));
                listener = new Listener(socket, s, ep, ep.Text, path);
            }
            else
            {
                var address = ResolveBindAddress(ep, o.IPv6);
                s = new NetSocket(address.AddressFamily, System.Net.Sockets.SocketType.Stream, ProtocolType.Tcp);
                if (address.Equals(IPAddress.IPv6Any)) s.DualMode = true;
                // No ReuseAddress: on Linux .NET maps it to SO_REUSEPORT too, which would let a second socket bind the
                // same port. Rebinding a port whose old connections sit in TIME_WAIT still works (the reconnect tests).
                s.Bind(new IPEndPoint(address, ep.Port));
                s.Listen(Math.Max(1, o.Backlog));
                var local = (IPEndPoint)s.LocalEndPoint!;
                string host = local.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{local.Address}]" : local.Address.ToString();
                listener = new Listener(socket, s, ep, $"tcp://{host}:{local.Port}", null);
            }
            _ = listener.AcceptLoopAsync();
            socket.Report(new ConnectionEvent(SocketEventKind.Listening, listener.ResolvedEndpoint, Value: listener._fd));
            return listener;
        }
        catch (ZeraException e)
        {
            // Refused before the OS was asked (a live process on the ipc path, a host that does not resolve).
            s?.Dispose();
            int errno = e.Kind == ErrorKind.AddressInUse ? Errno.AddressInUse : Errno.AddressNotAvailable;
            socket.Report(new ConnectionEvent(SocketEventKind.BindFailed, ep.Text, Reason: e.Message, Value: errno));
            throw;
        }
        catch (SocketException e)
        {
            s?.Dispose();
            socket.Report(new ConnectionEvent(SocketEventKind.BindFailed, ep.Text, Reason: e.Message, Value: e.NativeErrorCode));
            var kind = e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => ErrorKind.AddressInUse,
                SocketError.AddressNotAvailable => ErrorKind.AddressNotAvailable,
                SocketError.AccessDenied => ErrorKind.AddressNotAvailable,
                _ => ErrorKind.AddressNotAvailable,
            };
            throw new ZeraException(kind, $"cannot bind {ep.Text}: {e.Message}", "endpoint", e);
        }
    }

    /// <summary>The OS endpoint for an ipc address; <c>@name</c> is a Linux abstract socket.</summary>
    public static UnixDomainSocketEndPoint IpcEndPoint(string address) =>
        new(address.StartsWith('@') ? "\0" + address[1..] : address);

    private static IPAddress ResolveBindAddress(Endpoint ep, bool ipv6)
    {
        if (ep.Address == "*") return ipv6 ? IPAddress.IPv6Any : IPAddress.Any;
        if (IPAddress.TryParse(ep.Address, out var ip)) return ip;
        IPAddress[] all;
        try
        {
            all = Dns.GetHostAddresses(ep.Address);
        }
        catch (SocketException e)
        {
            throw new ZeraException(ErrorKind.AddressNotAvailable, $"cannot bind {ep.Text}: host '{ep.Address}' does not resolve ({e.Message})", "endpoint", e);
        }
        var pick = all.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? (ipv6 ? all.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetworkV6) : null);
        return pick ?? throw new ZeraException(ErrorKind.AddressNotAvailable, $"cannot bind {ep.Text}: host '{ep.Address}' has no usable address", "endpoint");
    }

    /// <summary>A socket file left by a crashed process is removed; one a live process listens on is not.</summary>
    private static void RemoveStaleSocketFile(string path, string text)
    {
        if (!File.Exists(path)) return;
        using (var probe = new NetSocket(AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                throw new ZeraException(ErrorKind.AddressInUse, $"cannot bind {text}: another process is listening there", "endpoint");
            }
            catch (SocketException)
            {
                // Nobody listening: the file is stale.
            }
        }
        File.Delete(path);
    }

    internal const int AcceptRetryFirstMs = 10;
    internal const int AcceptRetryMaxMs = 1000;

    /// <summary>The wait before the next accept after one more failure (out of descriptors, say, when the same error
    /// would come back at once): doubling from <see cref="AcceptRetryFirstMs"/> to <see cref="AcceptRetryMaxMs"/>, so
    /// a listener at its descriptor limit neither spins nor floods its monitor with ACCEPT_FAILED (about one a second
    /// at the ceiling; libzmq retries at once).</summary>
    internal static int NextAcceptRetry(int currentMs) => Math.Min(currentMs * 2, AcceptRetryMaxMs);

    private async Task AcceptLoopAsync()
    {
        try
        {
            await AcceptAllAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Nothing on a background task goes unobserved: an unexpected failure stops this listener, and says why.
            _socket.Report(new ConnectionEvent(SocketEventKind.AcceptFailed, ResolvedEndpoint, Reason: $"internal error: {e.GetType().Name}: {e.Message}",
                Value: e is SocketException s ? s.NativeErrorCode : 0));
        }
    }

    private async Task AcceptAllAsync()
    {
        bool tcp = _endpoint.Transport == TransportKind.Tcp;
        int retryMs = AcceptRetryFirstMs;
        while (!_closed)
        {
            NetSocket connection;
            try
            {
                _socket.Options.Faults?.At(FaultSite.Accept);
                connection = await _listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (Exception e)
            {
                // An unexpected failure is reported and retried like an OS error: the endpoint keeps listening.
                if (_closed) return;
                // .NET says "in system" (ENFILE) for either limit: name the usual one, the process's own (EMFILE).
                bool outOfFds = e is SocketException { SocketErrorCode: SocketError.TooManyOpenSockets };
                _socket.Report(new ConnectionEvent(SocketEventKind.AcceptFailed, ResolvedEndpoint,
                    Reason: outOfFds ? "too many open files (out of file descriptors)"
                        : e is SocketException ? e.Message : $"internal error: {e.GetType().Name}: {e.Message}",
                    Value: outOfFds ? Errno.TooManyOpenFiles : e is SocketException s ? s.NativeErrorCode : 0));
                await Task.Delay(retryMs).ConfigureAwait(false);
                retryMs = NextAcceptRetry(retryMs);
                continue;
            }
            retryMs = AcceptRetryFirstMs;
            var session = new AcceptSession(_socket, _socket.Options.Clone(), connection, this, tcp);
            lock (_lock)
            {
                if (_closed)
                {
                    connection.Dispose();
                    return;
                }
                _sessions.Add(session);
            }
            _socket.Report(new ConnectionEvent(SocketEventKind.Accepted, ResolvedEndpoint, Value: StreamEngine.DescriptorOf(connection)));
            session.Start();
        }
    }

    internal void Forget(AcceptSession session)
    {
        lock (_lock) _sessions.Remove(session);
    }

    /// <summary>Stops listening, removes the ipc socket file, and closes the accepted connections with
    /// <paramref name="linger"/>.</summary>
    public void Close(int linger)
    {
        AcceptSession[] sessions;
        lock (_lock)
        {
            if (_closed) return;
            _closed = true;
            sessions = [.. _sessions];
        }
        _listener.Dispose();
        if (_ipcPath != null)
        {
            try { File.Delete(_ipcPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        foreach (var s in sessions) s.Close(linger);
        _socket.Report(new ConnectionEvent(SocketEventKind.Closed, ResolvedEndpoint, Reason: "closed by this socket", Value: _fd));
    }
}
