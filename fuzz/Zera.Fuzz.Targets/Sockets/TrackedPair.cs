using System.Buffers.Binary;

namespace Zera.Fuzz.Sockets;

/// <summary>
/// The delivery check of the socket-action fuzzer: a PUSH/PULL or PAIR/PAIR pair with default high-water marks,
/// connected over inproc, tcp or ipc on an endpoint of its own (no other socket of the sequence can reach it), that
/// only sends and receives while the chaos goes on around it. Every message carries its sequence number, so while both
/// sockets live, every message a send accepted must arrive once, whole and in order: a gap, a repeat or a message out of
/// order is a crash. The sender keeps fewer than <see cref="MaxOutstanding"/> messages unreceived, far below the
/// 1,000-message marks, so a send must never block for long either.
/// </summary>
internal sealed class TrackedPair : IDisposable
{
    /// <summary>The most messages sent and not yet received.</summary>
    public const int MaxOutstanding = 300;

    private static readonly TimeSpan s_sendLimit = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_drainLimit = TimeSpan.FromSeconds(5);

    private readonly ZeraSocket _sender;
    private readonly ZeraSocket _receiver;
    private readonly string _description;
    private readonly string? _ipcPath;
    private long _sent;
    private long _received;

    private TrackedPair(ZeraSocket sender, ZeraSocket receiver, string endpoint)
    {
        _sender = sender;
        _receiver = receiver;
        _description = $"{sender.Type}->{receiver.Type} over {endpoint}";
        _ipcPath = endpoint.StartsWith("ipc://", StringComparison.Ordinal) ? endpoint["ipc://".Length..] : null;
    }

    /// <summary>Messages received and checked so far.</summary>
    public long Received => _received;

    /// <summary>Opens a pair in <paramref name="context"/>: the receiver binds, the sender connects.</summary>
    public static TrackedPair Open(Context context, ActionSource a, string uniqueName)
    {
        bool pair = a.OneIn(2);
        var sender = context.CreateSocket(pair ? SocketType.Pair : SocketType.Push);
        var receiver = context.CreateSocket(pair ? SocketType.Pair : SocketType.Pull);
        try
        {
            sender.Linger = 0;
            receiver.Linger = 0;
            string endpoint;
            switch (a.Below(3))
            {
                case 0:
                    receiver.Bind($"inproc://tracked-{uniqueName}");
                    endpoint = receiver.LastEndpoint!;
                    break;
                case 1:
                    receiver.Bind("tcp://127.0.0.1:0");
                    endpoint = receiver.LastEndpoint!;
                    break;
                default:
                    endpoint = $"ipc://{Path.Combine(Path.GetTempPath(), $"zera-fuzz-tracked-{uniqueName}.sock")}";
                    receiver.Bind(endpoint);
                    break;
            }
            sender.Connect(endpoint);
            return new TrackedPair(sender, receiver, endpoint);
        }
        catch
        {
            // A socket left open would keep the context's disposal waiting (as ZeroMQ's does).
            sender.Dispose();
            receiver.Dispose();
            throw;
        }
    }

    /// <summary>Sends up to <paramref name="count"/> numbered messages (fewer when the limit on outstanding messages
    /// is reached).</summary>
    public void Send(int count)
    {
        for (int i = 0; i < count && _sent - _received < MaxOutstanding; i++)
        {
            var message = Message(_sent);
            if (!_sender.TrySend(message, s_sendLimit))
                throw new FuzzInvariantException($"{_description}: a send with {_sent - _received} messages outstanding blocked for {s_sendLimit.TotalSeconds} s");
            _sent++;
        }
    }

    /// <summary>Receives what has arrived, waiting at most <paramref name="waitMs"/> for each of up to
    /// <paramref name="count"/> messages.</summary>
    public void Receive(int count, int waitMs)
    {
        for (int i = 0; i < count && _received < _sent; i++)
        {
            if (!_receiver.TryReceive(out var frame, TimeSpan.FromMilliseconds(waitMs))) return;
            Check(frame);
        }
    }

    /// <summary>Receives every outstanding message: each must arrive within <see cref="s_drainLimit"/>.</summary>
    public void Drain()
    {
        while (_received < _sent)
        {
            if (!_receiver.TryReceive(out var frame, s_drainLimit))
                throw new FuzzInvariantException($"{_description}: message {_received} of {_sent} sent never arrived (lost)");
            Check(frame);
        }
        if (_receiver.TryReceive(out var extra, TimeSpan.Zero))
        {
            extra.Dispose();
            throw new FuzzInvariantException($"{_description}: a message after the {_sent} sent (duplicated)");
        }
    }

    private void Check(Frame frame)
    {
        try
        {
            var span = frame.Span;
            if (span.Length < 8) throw new FuzzInvariantException($"{_description}: a frame of {span.Length} bytes (cut)");
            long seq = BinaryPrimitives.ReadInt64BigEndian(span);
            if (seq != _received)
                throw new FuzzInvariantException($"{_description}: message {seq} arrived when {_received} was next ({(seq < _received ? "duplicated or reordered" : "lost")})");
            if (frame.More) throw new FuzzInvariantException($"{_description}: a single-frame message arrived with MORE");
            var expected = Message(seq);
            if (!span.SequenceEqual(expected)) throw new FuzzInvariantException($"{_description}: message {seq} arrived corrupted");
            _received++;
        }
        finally
        {
            frame.Dispose();
        }
    }

    /// <summary>Message <paramref name="seq"/>: its number, then bytes that depend on it; small, medium and large
    /// (past the 64 KiB that some buffers hold) in turn.</summary>
    private static byte[] Message(long seq)
    {
        var message = new byte[(seq % 5) switch { 0 => 8, 1 => 100, 2 => 1000, 3 => 9, _ => 70_000 }];
        BinaryPrimitives.WriteInt64BigEndian(message, seq);
        for (int i = 8; i < message.Length; i++) message[i] = (byte)(seq * 31 + i);
        return message;
    }

    /// <summary>Disposes both sockets (LINGER 0).</summary>
    public void Dispose()
    {
        _sender.Dispose();
        _receiver.Dispose();
        if (_ipcPath != null) File.Delete(_ipcPath);
    }
}
