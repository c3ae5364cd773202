using System.Net;
using System.Net.Sockets;
using NetSocket = System.Net.Sockets.Socket;

namespace Zera.IntegrationTests.Wire;

/// <summary>A plain loopback TCP listener that a Zera socket connects to, handing each accepted connection to the
/// test as a <see cref="RawZmtpClient"/> to drive by hand.</summary>
internal sealed class RawZmtpListener : IDisposable
{
    private readonly NetSocket _listener;

    public RawZmtpListener()
    {
        _listener = new NetSocket(AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        Endpoint = $"tcp://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}";
    }

    /// <summary>The endpoint to connect Zera to.</summary>
    public string Endpoint { get; }

    /// <summary>Waits up to <paramref name="timeout"/> for the next connection; null if none came.</summary>
    public RawZmtpClient? Accept(TimeSpan timeout)
    {
        var accept = _listener.AcceptAsync();
        if (!accept.Wait(timeout)) return null;
        return RawZmtpClient.FromAccepted(accept.Result);
    }

    public void Dispose() => _listener.Dispose();
}
