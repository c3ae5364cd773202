using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NetSocket = System.Net.Sockets.Socket;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>
/// A hand-driven ZMTP 3.1 peer over a plain TCP socket, written from RFC 23/37, for tests that need a peer that
/// misbehaves on purpose (completes the handshake, then stops answering). Every read has a deadline, and reads
/// are asynchronous so that the peer does not hold a pool thread the socket under test may need.
/// </summary>
internal sealed class RawZmtpPeer : IDisposable
{
    private readonly NetSocket _socket;

    private RawZmtpPeer(NetSocket socket)
    {
        _socket = socket;
        _socket.NoDelay = true;
    }

    /// <summary>One frame as read off the wire.</summary>
    public readonly record struct WireFrame(bool IsCommand, bool More, byte[] Body)
    {
        /// <summary>The command name, for a command frame.</summary>
        public string CommandName => IsCommand && Body.Length > 0 ? Encoding.ASCII.GetString(Body, 1, Body[0]) : "";

        /// <summary>The command data after the name.</summary>
        public ReadOnlySpan<byte> CommandData => Body.AsSpan(1 + Body[0]);
    }

    /// <summary>Connects to a <c>tcp://host:port</c> endpoint.</summary>
    public static RawZmtpPeer Connect(string endpoint)
    {
        int colon = endpoint.LastIndexOf(':');
        var host = IPAddress.Parse(endpoint["tcp://".Length..colon]);
        int port = int.Parse(endpoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var s = new NetSocket(AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, ProtocolType.Tcp);
        s.Connect(new IPEndPoint(host, port));
        return new RawZmtpPeer(s);
    }

    /// <summary>Wraps a connection accepted by a test's own listener.</summary>
    public static RawZmtpPeer Wrap(NetSocket accepted) => new(accepted);

    /// <summary>Sends a greeting and READY announcing <paramref name="socketType"/>, then reads the peer's greeting
    /// and READY. Fails the test if the peer does not complete its half in time.</summary>
    public async Task HandshakeAsync(string socketType, bool asServer = false)
    {
        var greeting = new byte[64];
        greeting[0] = 0xFF;
        greeting[9] = 0x7F;
        greeting[10] = 3;
        greeting[11] = 1;
        Encoding.ASCII.GetBytes("NULL", greeting.AsSpan(12));
        greeting[32] = asServer ? (byte)1 : (byte)0;
        _socket.Send(greeting);
        SendCommand("READY", Property("Socket-Type", socketType));

        var theirs = await ReadExactlyAsync(64, Io.Long);
        Assert.True(theirs is not null, "the peer sent no greeting");
        Assert.Equal(0xFF, theirs![0]);
        Assert.Equal(3, theirs[10]);
        var ready = await ReadFrameAsync(Io.Long);
        Assert.True(ready is { IsCommand: true }, "the peer sent no READY");
        Assert.Equal("READY", ready!.Value.CommandName);
    }

    private static byte[] Property(string name, string value)
    {
        var v = Encoding.ASCII.GetBytes(value);
        var p = new byte[1 + name.Length + 4 + v.Length];
        p[0] = (byte)name.Length;
        Encoding.ASCII.GetBytes(name, p.AsSpan(1));
        BinaryPrimitives.WriteInt32BigEndian(p.AsSpan(1 + name.Length), v.Length);
        v.CopyTo(p, 1 + name.Length + 4);
        return p;
    }

    /// <summary>Sends a command frame: name, then <paramref name="data"/>.</summary>
    public void SendCommand(string name, ReadOnlySpan<byte> data)
    {
        var body = new byte[1 + name.Length + data.Length];
        body[0] = (byte)name.Length;
        Encoding.ASCII.GetBytes(name, body.AsSpan(1));
        data.CopyTo(body.AsSpan(1 + name.Length));
        SendFrame(body, command: true, more: false);
    }

    /// <summary>Sends a PING whose TTL is <paramref name="ttlDeciseconds"/>.</summary>
    public void SendPing(ushort ttlDeciseconds, ReadOnlySpan<byte> context)
    {
        var data = new byte[2 + context.Length];
        BinaryPrimitives.WriteUInt16BigEndian(data, ttlDeciseconds);
        context.CopyTo(data.AsSpan(2));
        SendCommand("PING", data);
    }

    /// <summary>Sends a one-frame message.</summary>
    public void SendMessage(string text) => SendFrame(Encoding.UTF8.GetBytes(text), command: false, more: false);

    private void SendFrame(byte[] body, bool command, bool more)
    {
        byte flags = (byte)((more ? 1 : 0) | (command ? 4 : 0));
        byte[] header;
        if (body.Length > 255)
        {
            header = new byte[9];
            header[0] = (byte)(flags | 2);
            BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(1), body.Length);
        }
        else
        {
            header = [flags, (byte)body.Length];
        }
        _socket.Send(header);
        _socket.Send(body);
    }

    /// <summary>Reads the next frame; null when the peer closed the connection or nothing came in time.</summary>
    public async Task<WireFrame?> ReadFrameAsync(TimeSpan timeout)
    {
        var head = await ReadExactlyAsync(1, timeout);
        if (head is null) return null;
        byte flags = head[0];
        long size;
        if ((flags & 2) != 0)
        {
            var s = await ReadExactlyAsync(8, Io.Long);
            if (s is null) return null;
            size = BinaryPrimitives.ReadInt64BigEndian(s);
        }
        else
        {
            var s = await ReadExactlyAsync(1, Io.Long);
            if (s is null) return null;
            size = s[0];
        }
        byte[]? body = size == 0 ? [] : await ReadExactlyAsync((int)size, Io.Long);
        if (body is null) return null;
        return new WireFrame((flags & 4) != 0, (flags & 1) != 0, body);
    }

    /// <summary>True once the peer has closed the connection (end of stream or reset).</summary>
    public bool Closed { get; private set; }

    private async Task<byte[]?> ReadExactlyAsync(int count, TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero) return null;
        var buf = new byte[count];
        int have = 0;
        using var cts = new CancellationTokenSource(timeout);
        while (have < count)
        {
            try
            {
                int n = await _socket.ReceiveAsync(buf.AsMemory(have), SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    Closed = true;
                    return null;
                }
                have += n;
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            catch (SocketException)
            {
                Closed = true;
                return null;
            }
        }
        return buf;
    }

    /// <summary>Reads and discards frames, without answering anything and without holding a thread, until the peer closes the connection or
    /// <paramref name="timeout"/> passes. Returns the command names seen meanwhile.</summary>
    public async Task<List<string>> DrainUntilClosedAsync(TimeSpan timeout)
    {
        var seen = new List<string>();
        var deadline = DateTime.UtcNow + timeout;
        while (!Closed && DateTime.UtcNow < deadline)
        {
            var f = await ReadFrameAsync(deadline - DateTime.UtcNow);
            if (f is { IsCommand: true } cmd) seen.Add(cmd.CommandName);
        }
        return seen;
    }

    public void Dispose() => _socket.Dispose();
}
