using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;

namespace Zera.Benchmarks;

/// <summary>
/// Steady-state cost of one message sent and received over a connected PUSH/PULL pair, per transport and API. Each
/// operation moves <see cref="Batch"/> messages: <see cref="InFlight"/> are sent, then received, until the batch is
/// done; results are per message (<c>OperationsPerInvoke</c>). The "Allocated" column is the point: bytes of garbage
/// per message, counted on every thread (the connection's background loops included), after the pools are warm.
/// <see cref="InFlight"/> checks that a deep queue (many frames alive at once, as in a throughput run) is as
/// allocation-free as a shallow one: frames are carved from pooled slabs and pipes reuse their chunks.
/// </summary>
[MemoryDiagnoser]
public class SteadyStateBenchmarks
{
    /// <summary>Messages per benchmark operation.</summary>
    public const int Batch = 200;

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    private Context _context = null!;
    private ZeraSocket _push = null!;
    private ZeraSocket _pull = null!;
    private byte[] _buffer = null!;
    private CancellationTokenSource _asyncTimeout = null!;

    /// <summary>The transport between the two sockets.</summary>
    [Params("inproc", "tcp")]
    public string Transport { get; set; } = "inproc";

    /// <summary>Messages sent before they are received: 10 (a shallow queue) or 200 (a deep one, as in a throughput
    /// run; below the default high-water mark of 1000, so sending never blocks). Divides <see cref="Batch"/>.</summary>
    [Params(10, 200)]
    public int InFlight { get; set; } = 10;

    /// <summary>Payload size in bytes.</summary>
    [Params(64)]
    public int Size { get; set; }

    /// <summary>Connects the pair and runs traffic through it until pools and connections are warm.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _context = new Context();
        _pull = _context.CreateSocket(SocketType.Pull);
        _push = _context.CreateSocket(SocketType.Push);
        _pull.Linger = 0;
        _push.Linger = 0;
        _pull.ReceiveTimeout = (int)s_timeout.TotalMilliseconds;
        _push.SendTimeout = (int)s_timeout.TotalMilliseconds;
        _pull.Bind(Transport == "tcp" ? "tcp://127.0.0.1:*" : $"inproc://bench-{Guid.NewGuid():N}");
        _push.Connect(_pull.LastEndpoint!);
        _buffer = new byte[Size];
        _asyncTimeout = new CancellationTokenSource();
        for (int i = 0; i < 50; i++)
        {
            FrameApi();
            CopyApi();
        }
    }

    /// <summary>Closes the pair.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _push.Dispose();
        _pull.Dispose();
        _context.Dispose();
        _asyncTimeout.Dispose();
    }

    /// <summary>Frames: <c>Frame.Allocate</c> + <c>Send(ref frame)</c>, then <c>Receive()</c> + <c>Dispose()</c>.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public void FrameApi()
    {
        for (int done = 0; done < Batch; done += InFlight)
        {
            for (int i = 0; i < InFlight; i++)
            {
                var frame = Frame.Allocate(Size);
                _push.Send(ref frame);
            }
            for (int i = 0; i < InFlight; i++) _pull.Receive().Dispose();
        }
    }

    /// <summary>Copies: <c>Send(ReadOnlySpan&lt;byte&gt;)</c>, then <c>TryReceive</c> and a copy into a buffer.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public void CopyApi()
    {
        for (int done = 0; done < Batch; done += InFlight)
        {
            for (int i = 0; i < InFlight; i++) _push.Send(_buffer);
            for (int i = 0; i < InFlight; i++)
            {
                if (!_pull.TryReceive(out var frame, s_timeout)) throw new TimeoutException("no message within 10 s");
                frame.Span.CopyTo(_buffer);
                frame.Dispose();
            }
        }
    }

    /// <summary>Async: <c>SendAsync(frame)</c>, then <c>ReceiveAsync()</c> + <c>Dispose()</c>.</summary>
    /// <remarks>A pooled <see cref="ValueTask"/>: a plain <c>async Task</c> that waits for the kernel would allocate
    /// its own state machine once per operation, counted here as the library's.</remarks>
    [Benchmark(OperationsPerInvoke = Batch)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask AsyncApi()
    {
        _asyncTimeout.CancelAfter(s_timeout); // re-arms one timer: no allocation per operation
        for (int done = 0; done < Batch; done += InFlight)
        {
            for (int i = 0; i < InFlight; i++) await _push.SendAsync(Frame.Allocate(Size));
            for (int i = 0; i < InFlight; i++) (await _pull.ReceiveAsync(_asyncTimeout.Token)).Dispose();
        }
    }
}
