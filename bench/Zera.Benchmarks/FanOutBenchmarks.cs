using BenchmarkDotNet.Attributes;

namespace Zera.Benchmarks;

/// <summary>
/// One publisher to <see cref="Subscribers"/> subscribers: the cost of one message delivered to all of them, and the
/// point of it, the bytes allocated per message (every thread counted). Each message's payload is shared among the
/// subscribers (<c>Frame.Share</c>), never copied per subscriber over inproc; over tcp each connection encodes it.
/// </summary>
[MemoryDiagnoser]
public class FanOutBenchmarks
{
    /// <summary>Messages per benchmark operation.</summary>
    public const int Batch = 100;

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    private Context _context = null!;
    private ZeraSocket _pub = null!;
    private ZeraSocket[] _subs = [];

    /// <summary>The transport between the publisher and its subscribers.</summary>
    [Params("inproc", "tcp")]
    public string Transport { get; set; } = "inproc";

    /// <summary>How many subscribers each message goes to.</summary>
    [Params(10)]
    public int Subscribers { get; set; } = 10;

    /// <summary>Payload size in bytes.</summary>
    [Params(64)]
    public int Size { get; set; } = 64;

    /// <summary>Connects the subscribers, waits for every subscription, and warms the pools.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _context = new Context();
        _pub = _context.CreateSocket(SocketType.XPub);
        _pub.Linger = 0;
        _pub.SendHighWatermark = 0;
        _pub.ReceiveTimeout = (int)s_timeout.TotalMilliseconds;
        _pub.XPubVerbose = true;
        _pub.Bind(Transport == "tcp" ? "tcp://127.0.0.1:*" : $"inproc://fan-{Guid.NewGuid():N}");
        _subs = new ZeraSocket[Subscribers];
        for (int i = 0; i < Subscribers; i++)
        {
            var sub = _context.CreateSocket(SocketType.Sub);
            sub.Linger = 0;
            sub.ReceiveHighWatermark = 0;
            sub.ReceiveTimeout = (int)s_timeout.TotalMilliseconds;
            sub.Subscribe("");
            sub.Connect(_pub.LastEndpoint!);
            _subs[i] = sub;
        }
        for (int i = 0; i < Subscribers; i++) _pub.Receive().Dispose(); // every subscription is in
        for (int i = 0; i < 50; i++) PublishToAll();
    }

    /// <summary>Closes the sockets.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var sub in _subs) sub.Dispose();
        _pub.Dispose();
        _context.Dispose();
    }

    /// <summary>Publishes a batch, then every subscriber receives all of it; per message published.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public void PublishToAll()
    {
        for (int i = 0; i < Batch; i++)
        {
            var frame = Frame.Allocate(Size);
            _pub.Send(ref frame);
        }
        foreach (var sub in _subs)
        {
            for (int i = 0; i < Batch; i++) sub.Receive().Dispose();
        }
    }
}
