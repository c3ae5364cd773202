namespace Zera.Cli.Commands;

/// <summary>
/// One context with one socket for a command: creates, binds or connects it, and tears both down so that an
/// interrupted command never hangs on its linger. When the security options ask for a ZAP handler, it runs in the same
/// context for as long as the socket.
/// </summary>
public sealed class SocketHost : IAsyncDisposable
{
    private readonly Context _context = new();
    private readonly ZapAuthenticator? _authenticator;
    private bool _disposed;

    /// <summary>Creates the socket and binds or connects it. When a bind resolves a wildcard or ephemeral port, the
    /// real endpoint is printed on stderr, so that a peer can be pointed at it. <paramref name="security"/> (default:
    /// none) is applied before <paramref name="configure"/>, and its ZAP handler started before the socket exists.</summary>
    public SocketHost(SocketType type, string endpoint, bool bind, TextWriter stderr, Action<ZeraSocket>? configure = null,
        SecuritySettings? security = null)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        security ??= SecuritySettings.None;
        ZeraSocket? socket = null;
        try
        {
            _authenticator = security.StartAuthenticator(_context);
            socket = _context.CreateSocket(type);
            security.Apply(socket);
            configure?.Invoke(socket);
            if (bind)
            {
                socket.Bind(endpoint);
                if (!string.Equals(socket.LastEndpoint, endpoint, StringComparison.Ordinal))
                    stderr.WriteLine($"zera: listening on {socket.LastEndpoint}");
            }
            else
            {
                socket.Connect(endpoint);
            }
        }
        catch
        {
            if (socket != null)
            {
                socket.Linger = 0;
                socket.Dispose();
            }
            _authenticator?.Dispose();
            _context.Dispose();
            throw;
        }
        Socket = socket;
    }

    /// <summary>The command's socket.</summary>
    public ZeraSocket Socket { get; }

    /// <summary>Closes the socket and waits for its linger, unless <paramref name="cancellationToken"/> fires first
    /// (Ctrl-C while undelivered messages linger): then the context is left to the process exit.</summary>
    public async ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        if (_disposed) return;
        _disposed = true;
        if (cancellationToken.IsCancellationRequested) Socket.Linger = 0;
        Socket.Dispose();
        var termination = Task.Run(() =>
        {
            _authenticator?.Dispose();
            _context.Dispose();
        }, CancellationToken.None);
        try
        {
            await termination.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Interrupted while lingering: give up on the undelivered messages.
        }
    }

    /// <summary>Closes without waiting for undelivered messages.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        Socket.Linger = 0;
        await CloseAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
