using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Zera.Examples.Hosting;
using Zera.Extensions.Hosting;
using Zera.IntegrationTests.Cli;
using Zera.IntegrationTests.Behaviour;
using Zera.IntegrationTests.Examples;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Hosting;

/// <summary>
/// Zera.Extensions.Hosting in a real generic host: the example's REP worker serves a libzmq (pyzmq) client over tcp
/// and ipc, the host stops without losing a reply or hanging, and the context is terminated after the services;
/// a worker that leaves a socket open, or blocks in a synchronous receive, does not hang shutdown either. The
/// example program itself is run as a process and stopped with Ctrl-C.
/// </summary>
public sealed class HostingTests
{
    /// <summary>The pyzmq REQ client: sends N two-frame requests, checks each reply is the request, prints "ok N".</summary>
    private const string ReqClient = """
        endpoint, count = sys.argv[1], int(sys.argv[2])
        s = ctx.socket(zmq.REQ)
        s.RCVTIMEO = 10000
        s.connect(endpoint)
        for i in range(count):
            request = [b"request", str(i).encode()]
            s.send_multipart(request)
            reply = s.recv_multipart()
            assert reply == request, (reply, request)
        print("ok", count)
        s.close(linger=0)
        """;

    private const int Requests = 200;

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public async Task The_worker_serves_a_libzmq_client_and_the_host_stops_cleanly(string transport)
    {
        var logs = new ListLogger();
        using var host = BuildHost(logs, Endpoints.ForBind(transport), services => services.AddSingleton<EchoWorker>()
            .AddHostedService(sp => sp.GetRequiredService<EchoWorker>()));
        var worker = host.Services.GetRequiredService<EchoWorker>();

        // Starting returns while the worker awaits its first request: the host's thread is never held.
        Assert.True(await Io.CompletesWithin(host.StartAsync(), Io.Long), "StartAsync did not return");
        Assert.True(await Io.CompletesWithin(worker.Endpoint, Io.Long), "the worker did not bind");
        string endpoint = await worker.Endpoint;

        using (var client = PyzmqPeer.Start(ReqClient, endpoint, Requests.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            Assert.Equal([$"ok {Requests}"], client.WaitForSuccess());
        }
        Assert.Equal(Requests, worker.Answered);

        // Stopping while the worker awaits the next request: it ends between requests, the context after it.
        Assert.True(await Io.CompletesWithin(host.StopAsync(), Io.Long), "StopAsync did not return");
        Assert.NotNull(worker.ExecuteTask);
        Assert.True(worker.ExecuteTask.IsCompletedSuccessfully, $"the worker ended {worker.ExecuteTask.Status}");
        var context = host.Services.GetRequiredService<Context>();
        Assert.True(context.IsTerminated);
        Assert.Empty(logs.Warnings);
        Assert.Throws<ZeraException>(() => context.CreateSocket(SocketType.Rep));
    }

    [Fact]
    public async Task A_socket_left_open_delays_shutdown_only_by_the_termination_timeout()
    {
        var logs = new ListLogger();
        var leaked = new TaskCompletionSource<ZeraSocket>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = BuildHost(logs, "inproc://unused", services => services.AddHostedService(sp =>
            new LeakingWorker(sp.GetRequiredService<Context>(), leaked)), TimeSpan.FromMilliseconds(200));
        Assert.True(await Io.CompletesWithin(host.StartAsync(), Io.Long), "StartAsync did not return");
        Assert.True(await Io.CompletesWithin(leaked.Task, Io.Long), "the worker made no socket");

        Assert.True(await Io.CompletesWithin(host.StopAsync(), Io.Long), "StopAsync hung on a socket nobody disposed");
        Assert.Contains(logs.Warnings, w => w.Contains("did not terminate", StringComparison.Ordinal));
        (await leaked.Task).Dispose(); // now the context's termination can finish
    }

    [Fact]
    public async Task A_worker_blocked_in_a_synchronous_receive_is_woken_when_the_host_has_stopped()
    {
        // The trap NetMQ users meet: a blocking receive inside ExecuteAsync never sees the stopping token. The host
        // gives up on it after its ShutdownTimeout; terminating the context then wakes it, and it disposes its socket.
        var logs = new ListLogger();
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var worker = default(BlockingWorker);
        using var host = BuildHost(logs, "inproc://unused", services => services.AddHostedService(sp =>
            worker = new BlockingWorker(sp.GetRequiredService<Context>(), blocked)),
            shutdownTimeout: TimeSpan.FromMilliseconds(300));
        Assert.True(await Io.CompletesWithin(host.StartAsync(), Io.Long), "StartAsync did not return");
        Assert.True(await Io.CompletesWithin(blocked.Task, Io.Long), "the worker did not start receiving");

        Assert.True(await Io.CompletesWithin(host.StopAsync(), Io.Long), "StopAsync hung on a blocked receive");
        Assert.NotNull(worker?.ExecuteTask);
        Assert.True(await Io.CompletesWithin(worker.ExecuteTask.ContinueWith(_ => { }, TaskScheduler.Default), Io.Long),
            "the blocked receive was not woken");
        var error = Assert.IsType<ZeraException>(worker.ExecuteTask.Exception?.InnerException);
        Assert.Equal(ErrorKind.Terminated, error.Kind);
        Assert.True(host.Services.GetRequiredService<Context>().IsTerminated);
        Assert.DoesNotContain(logs.Warnings, w => w.Contains("did not terminate", StringComparison.Ordinal));
    }

    [Fact]
    public void AddZera_rejects_bad_arguments_naming_them()
    {
        Assert.Equal("services", Assert.Throws<ArgumentNullException>(() => ZeraServiceCollectionExtensions.AddZera(null!)).ParamName);
        var bad = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new ServiceCollection().AddZera(o => o.TerminationTimeout = TimeSpan.FromSeconds(-2)));
        Assert.Equal(nameof(ZeraHostingOptions.TerminationTimeout), bad.ParamName);

        var services = new ServiceCollection().AddZera(o => o.TerminationTimeout = Timeout.InfiniteTimeSpan);
        var twice = Assert.Throws<InvalidOperationException>(() => services.AddZera());
        Assert.Contains("already", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bare_service_provider_terminates_the_context_when_disposed()
    {
        var provider = new ServiceCollection().AddZera().BuildServiceProvider();
        var context = provider.GetRequiredService<Context>();
        using (var socket = context.CreateSocket(SocketType.Push))
        {
            socket.Bind("inproc://bare-provider");
        }
        provider.GetServices<IHostedService>().ToList(); // created, as a host would, but never started
        Assert.True(await Io.CompletesWithin(provider.DisposeAsync().AsTask(), Io.Long), "disposing the provider hung");
        Assert.True(context.IsTerminated);
    }

    [Theory]
    [MemberData(nameof(Io.StreamTransports), MemberType = typeof(Io))]
    public void The_example_program_serves_until_ctrl_c_and_exits_cleanly(string transport)
    {
        string endpoint = Endpoints.ForBind(transport);
        using var program = CliProcess.StartHostingExample(["--endpoint", endpoint]);
        string bound = program.WaitForStdout("serving REP on ");
        using (var client = PyzmqPeer.Start(ReqClient, bound, "50"))
        {
            Assert.Equal(["ok 50"], client.WaitForSuccess());
        }
        program.Interrupt();
        var result = program.WaitForExit();
        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}; stdout: {string.Join(" | ", result.Stdout)}; stderr: {result.StderrText}");
        Assert.Contains(result.Stdout, l => l.Contains("stopped after 50 requests", StringComparison.Ordinal));
    }

    private static IHost BuildHost(ListLogger logs, string endpoint, Action<IServiceCollection> addWorker,
        TimeSpan? terminationTimeout = null, TimeSpan? shutdownTimeout = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["endpoint"] = endpoint;
        builder.Logging.AddProvider(logs);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(30));
        builder.Services.AddZera(o => o.TerminationTimeout = terminationTimeout ?? TimeSpan.FromSeconds(30));
        addWorker(builder.Services);
        return builder.Build();
    }

    /// <summary>Makes a socket and returns without disposing it (a bug the host must survive).</summary>
    private sealed class LeakingWorker(Context context, TaskCompletionSource<ZeraSocket> leaked) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken)
        {
            var socket = context.CreateSocket(SocketType.Pull);
            socket.Bind("inproc://leaked");
            leaked.SetResult(socket);
            return Task.CompletedTask;
        }
    }

    /// <summary>Blocks in Receive, ignoring the stopping token.</summary>
    private sealed class BlockingWorker(Context context, TaskCompletionSource blocked) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() =>
        {
            using var socket = context.CreateSocket(SocketType.Pull);
            socket.Bind("inproc://blocked");
            blocked.SetResult();
            using var frame = socket.Receive();
        }, CancellationToken.None);
    }
}
