using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Zera.Transports;

// The engine's reads and writes: on Zera's I/O loop (Linux) a non-blocking system call first and, only when it would
// block, a wait for the socket's next edge, resumed on the loop's thread; elsewhere .NET's asynchronous socket calls.
internal sealed partial class StreamEngine
{
    /// <summary>Reads or writes in a row, without waiting, after which a loop on the I/O thread lets the other
    /// connections' events and posted work go first: a stream that never runs dry must not keep them waiting.</summary>
    private const int TurnsBeforeYield = 16;

    private int _readsInARow;
    private int _writesInARow;

    /// <summary>Reads what the socket has (at least one byte, or 0 at the end of stream) into <paramref name="buffer"/>.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReceiveSomeAsync(Memory<byte> buffer)
    {
        if (_io == null) return await _socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
        if (++_readsInARow >= TurnsBeforeYield && IoLoop.OnLoopThread)
        {
            _readsInARow = 0;
            if (!await _io.Readable.YieldAsync().ConfigureAwait(false)) ThrowClosed();
        }
        while (true)
        {
            int seen = _io.Readable.Sequence;
            int n = _socket.Receive(buffer.Span, SocketFlags.None, out var error);
            if (error == SocketError.Success) return n;
            if (error != SocketError.WouldBlock) throw new SocketException((int)error);
            _readsInARow = 0;
            if (!await _io.Readable.WaitAsync(seen).ConfigureAwait(false)) ThrowClosed();
        }
    }

    /// <summary>Writes as much of <paramref name="data"/> as the socket takes (at least one byte) and returns how much.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> SendSomeAsync(ReadOnlyMemory<byte> data)
    {
        if (_io == null) return await _socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
        if (++_writesInARow >= TurnsBeforeYield && IoLoop.OnLoopThread)
        {
            _writesInARow = 0;
            if (!await _io.Writable.YieldAsync().ConfigureAwait(false)) ThrowClosed();
        }
        while (true)
        {
            int seen = _io.Writable.Sequence;
            int n = _socket.Send(data.Span, SocketFlags.None, out var error);
            if (error == SocketError.Success) return n;
            if (error != SocketError.WouldBlock) throw new SocketException((int)error);
            _writesInARow = 0;
            if (!await _io.Writable.WaitAsync(seen).ConfigureAwait(false)) ThrowClosed();
        }
    }

    /// <summary>The registration was disposed: the connection is closing, as a disposed .NET socket would report it.</summary>
    private static void ThrowClosed() => throw new ObjectDisposedException(nameof(Socket));
}
