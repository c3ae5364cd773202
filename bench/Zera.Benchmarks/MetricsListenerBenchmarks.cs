using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;

namespace Zera.Benchmarks;

/// <summary>
/// What listening to the <c>Zera</c> meter costs a stream of 64 B messages: the same PUSH/PULL pair as
/// <see cref="SteadyStateBenchmarks"/>'s frame API, with nobody listening and with a <see cref="MeterListener"/>
/// enabled on every Zera instrument and collecting the observable ones once a second, as dotnet-counters does. Time
/// and bytes allocated per message are the figures; the allocation column counts every thread, the listener's
/// collections included.
/// </summary>
[MemoryDiagnoser]
public class MetricsListenerBenchmarks
{
    private const int Batch = 200;
    private const int InFlight = 200;
    private const int Size = 64;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    private Context _context = null!;
    private ZeraSocket _push = null!;
    private ZeraSocket _pull = null!;
    private MeterListener? _listener;
    private Timer? _collector;
    private long _observed;

    /// <summary>The transport between the two sockets.</summary>
    [Params("inproc", "tcp")]
    public string Transport { get; set; } = "inproc";

    /// <summary>Whether a listener is attached to the meter.</summary>
    [Params(false, true)]
    public bool Listening { get; set; }

    /// <summary>Attaches the listener (when <see cref="Listening"/>), connects the pair and warms it.</summary>
    [GlobalSetup]
    public void Setup()
    {
        if (Listening)
        {
            _listener = new MeterListener
            {
                InstrumentPublished = (instrument, listener) =>
                {
                    if (instrument.Meter.Name == "Zera") listener.EnableMeasurementEvents(instrument);
                },
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _observed, value));
            _listener.Start();
            _collector = new Timer(_ => _listener.RecordObservableInstruments(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }
        _context = new Context();
        _pull = _context.CreateSocket(SocketType.Pull);
        _push = _context.CreateSocket(SocketType.Push);
        _pull.Linger = 0;
        _push.Linger = 0;
        _pull.ReceiveTimeout = (int)s_timeout.TotalMilliseconds;
        _push.SendTimeout = (int)s_timeout.TotalMilliseconds;
        _pull.Bind(Transport == "tcp" ? "tcp://127.0.0.1:*" : $"inproc://metrics-{Guid.NewGuid():N}");
        _push.Connect(_pull.LastEndpoint!);
        for (int i = 0; i < 50; i++) Stream();
    }

    /// <summary>Closes the pair and the listener; fails the run if a listener saw nothing (it would prove nothing).</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _push.Dispose();
        _pull.Dispose();
        _context.Dispose();
        _collector?.Dispose();
        _listener?.Dispose();
        if (Listening && Interlocked.Read(ref _observed) == 0)
            throw new InvalidOperationException("the listener observed no measurement");
    }

    /// <summary>64 B frames: <c>Frame.Allocate</c> + <c>Send(ref frame)</c>, then <c>Receive()</c> + <c>Dispose()</c>.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public void Stream()
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
}
