using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Channels;
using Zera.Protocol;
using Zera.Transports;

namespace Zera;

/// <summary>
/// One monitor of a socket: the events its mask selects, turned into <see cref="SocketEvent"/>s and handed to a
/// channel (<see cref="ZeraSocket.MonitorAsync"/>) or sent on an inproc PAIR in libzmq's two-frame format
/// (<see cref="ZeraSocket.Monitor"/>). Events arrive on any thread (connections' loops, timers): the channel takes
/// them without blocking, the PAIR under a lock and without waiting; when either is full the event is dropped, as
/// libzmq's monitor does at its high-water mark, rather than stall a connection.
/// </summary>
internal sealed class SocketMonitor : IConnectionEventSink
{
    private readonly SocketEventKind _mask;
    private readonly Channel<SocketEvent>? _channel;
    private readonly ZeraSocket? _pair;
    private readonly Lock _pairLock = new();
    private bool _stopped;

    private SocketMonitor(SocketEventKind mask, Channel<SocketEvent>? channel, ZeraSocket? pair)
    {
        _mask = mask;
        _channel = channel;
        _pair = pair;
    }

    /// <summary>The events, for an asynchronous reader.</summary>
    public ChannelReader<SocketEvent>? Reader => _channel?.Reader;

    /// <summary>A monitor whose events an asynchronous reader takes (up to 10,000 waiting; older ones go first).</summary>
    public static SocketMonitor ToChannel(SocketEventKind mask) =>
        new(mask, Channel.CreateBounded<SocketEvent>(new BoundedChannelOptions(10_000)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        }), null);

    /// <summary>A monitor that publishes on a PAIR bound at <paramref name="endpoint"/> (inproc).</summary>
    public static SocketMonitor ToPair(Context context, string endpoint, SocketEventKind mask)
    {
        var pair = context.CreateSocket(SocketType.Pair);
        try
        {
            pair.Linger = 0;
            pair.Bind(endpoint);
        }
        catch
        {
            pair.Dispose();
            throw;
        }
        return new SocketMonitor(mask, null, pair);
    }

    public void OnEvent(in ConnectionEvent e)
    {
        if ((e.Kind & _mask) == 0) return;
        Publish(new SocketEvent(e.Kind, e.Endpoint, e.Value, e.Reason ?? (e.End == ConnectionEnd.None ? null : e.End.ToString())));
    }

    /// <summary>Ends the monitor: MONITOR_STOPPED (if selected) is its last event, with an empty endpoint as in
    /// libzmq.</summary>
    public void Stop()
    {
        if ((_mask & SocketEventKind.MonitorStopped) != 0) Publish(new SocketEvent(SocketEventKind.MonitorStopped, "", 0, null));
        lock (_pairLock)
        {
            if (_stopped) return;
            _stopped = true;
            _pair?.Dispose();
        }
        _channel?.Writer.TryComplete();
    }

    private void Publish(SocketEvent e)
    {
        if (_channel != null)
        {
            _channel.Writer.TryWrite(e);
            return;
        }
        // libzmq's format: a 6-byte frame (16-bit event, then 32-bit value, in the machine's byte order as libzmq's
        // memcpy writes them and pyzmq's struct.unpack("=hi") reads them: little-endian on x86 and ARM),
        // then the endpoint.
        Span<byte> head = stackalloc byte[6];
        MemoryMarshal.Write(head, (ushort)e.Kind);
        MemoryMarshal.Write(head[2..], e.Value);
        lock (_pairLock)
        {
            if (_stopped) return;
            try
            {
                if (_pair!.TrySend(head, more: true)) _pair.TrySend(Encoding.UTF8.GetBytes(e.Endpoint));
            }
            catch (ZeraException)
            {
                // The context is going away: nobody is left to read the event.
            }
        }
    }
}
