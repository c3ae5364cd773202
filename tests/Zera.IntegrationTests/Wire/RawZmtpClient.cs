using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NetSocket = System.Net.Sockets.Socket;

namespace Zera.IntegrationTests.Wire;

/// <summary>
/// A hand-driven ZMTP peer over a plain loopback TCP socket: it sends exactly the bytes a test gives it and reads
/// Zera's bytes back, so tests can check the wire format and feed Zera malformed input. Every read is bounded by
/// a timeout.
/// </summary>
internal sealed class RawZmtpClient : IDisposable
{
    /// <summary>The bound on any single read.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    private readonly NetSocket _socket;

    private RawZmtpClient(NetSocket socket) => _socket = socket;

    /// <summary>Wraps a connection accepted by a raw listener (see <see cref="RawZmtpListener"/>).</summary>
    public static RawZmtpClient FromAccepted(NetSocket socket)
    {
        socket.NoDelay = true;
        socket.ReceiveTimeout = (int)ReadTimeout.TotalMilliseconds;
        socket.SendTimeout = (int)ReadTimeout.TotalMilliseconds;
        return new RawZmtpClient(socket);
    }

    /// <summary>Connects to a Zera socket bound at <paramref name="tcpEndpoint"/> (<c>tcp://127.0.0.1:port</c>).</summary>
    public static RawZmtpClient Connect(string tcpEndpoint)
    {
        var uri = new Uri(tcpEndpoint);
        var socket = new NetSocket(AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, ProtocolType.Tcp)
        {
            NoDelay = true,
            ReceiveTimeout = (int)ReadTimeout.TotalMilliseconds,
            SendTimeout = (int)ReadTimeout.TotalMilliseconds,
        };
        try
        {
            if (!socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port)).Wait(ReadTimeout))
                throw new TimeoutException($"connecting to {tcpEndpoint} took more than {ReadTimeout.TotalSeconds:F0} s");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new RawZmtpClient(socket);
    }

    /// <summary>Sends <paramref name="bytes"/> as they are.</summary>
    public void Send(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0) bytes = bytes[_socket.Send(bytes)..];
    }

    /// <summary>Sends a NULL-mechanism handshake as <paramref name="socketType"/> (greeting, then READY) and reads
    /// and checks Zera's greeting and READY, returning Zera's READY properties.</summary>
    public Dictionary<string, byte[]> Handshake(string socketType, byte[]? identity = null, byte minor = 1)
    {
        Send([.. Zmtp.Greeting(minor: minor), .. Zmtp.Ready(socketType, identity)]);
        var greeting = ReadExactly(Zmtp.GreetingSize);
        if (greeting[0] != 0xFF || greeting[9] != 0x7F || greeting[10] != 3)
            throw new InvalidDataException($"Zera's greeting is not ZMTP 3: {Convert.ToHexString(greeting)}");
        var ready = ReadFrame();
        if (!ready.IsCommand || ready.CommandName != "READY") throw new InvalidDataException($"expected READY, got {ready}");
        return Zmtp.ParseProperties(ready.CommandData);
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes; throws if the connection ends first.</summary>
    public byte[] ReadExactly(int count)
    {
        var buffer = new byte[count];
        int have = 0;
        while (have < count)
        {
            int n = _socket.Receive(buffer, have, count - have, SocketFlags.None);
            if (n == 0) throw new EndOfStreamException($"Zera closed the connection after {have} of {count} bytes");
            have += n;
        }
        return buffer;
    }

    /// <summary>Reads one frame (header and body).</summary>
    public WireFrame ReadFrame()
    {
        var first = ReadExactly(2);
        byte[] header;
        long size;
        if ((first[0] & Zmtp.Long) != 0)
        {
            header = [.. first, .. ReadExactly(7)];
            size = BinaryPrimitives.ReadInt64BigEndian(header.AsSpan(1));
        }
        else
        {
            header = first;
            size = first[1];
        }
        if (size > 64 * 1024 * 1024) throw new InvalidDataException($"frame of {size} bytes announced");
        return new WireFrame(first[0], header, ReadExactly((int)size));
    }

    /// <summary>Reads one frame if its first byte arrives within <paramref name="wait"/>; null otherwise.</summary>
    public WireFrame? TryReadFrame(TimeSpan wait) =>
        _socket.Poll((int)Math.Min(int.MaxValue, wait.TotalMicroseconds), SelectMode.SelectRead) ? ReadFrame() : null;

    /// <summary>Reads (and discards) whatever Zera still sends until Zera closes the connection. Returns true when
    /// it was closed (orderly, or reset) within <paramref name="timeout"/>, false when it was still open.</summary>
    public bool WaitUntilClosedByPeer(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var scratch = new byte[4096];
        try
        {
            while (true)
            {
                var left = timeout - clock.Elapsed;
                if (left <= TimeSpan.Zero) return false;
                _socket.ReceiveTimeout = Math.Max(1, (int)left.TotalMilliseconds);
                if (_socket.Receive(scratch) == 0) return true;
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut || e.SocketErrorCode == SocketError.WouldBlock)
        {
            return false;
        }
        finally
        {
            _socket.ReceiveTimeout = (int)ReadTimeout.TotalMilliseconds;
        }
    }

    /// <summary>Reads frames until Zera closes the connection (or <paramref name="timeout"/>); returns them and
    /// whether the connection was closed.</summary>
    public (List<WireFrame> Frames, bool Closed) ReadFramesUntilClosed(TimeSpan timeout)
    {
        var frames = new List<WireFrame>();
        var clock = Stopwatch.StartNew();
        try
        {
            while (true)
            {
                var left = timeout - clock.Elapsed;
                if (left <= TimeSpan.Zero) return (frames, false);
                _socket.ReceiveTimeout = Math.Max(1, (int)left.TotalMilliseconds);
                frames.Add(ReadFrame());
            }
        }
        catch (EndOfStreamException)
        {
            return (frames, true);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            return (frames, true);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            return (frames, false);
        }
        finally
        {
            _socket.ReceiveTimeout = (int)ReadTimeout.TotalMilliseconds;
        }
    }

    /// <summary>Half-closes: tells Zera no more bytes will come (TCP FIN), but keeps reading.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Closes at once with a TCP reset instead of an orderly close.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public void Dispose() => _socket.Dispose();
}
