using System.Text;

namespace Zera.IntegrationTests.Behaviour;

/// <summary>
/// <see cref="Context.IoThreads"/>: connections spread over several I/O threads (libzmq's ZMQ_IO_THREADS) still
/// deliver every message, in order per connection, and the setting rejects what it cannot be.
/// </summary>
/// <remarks>The setting is process-wide; these tests change it and put it back. Other tests running meanwhile only see
/// their new connections placed on other threads, which is what every setting must keep working anyway.</remarks>
public class IoThreadsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(Context.MaxIoThreads + 1)]
    public void OutOfRangeIsRejectedNamingTheSetting(int value)
    {
        int before = Context.IoThreads;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Context.IoThreads = value);
        Assert.Equal("value", e.ParamName);
        Assert.Contains(nameof(Context.IoThreads), e.Message, StringComparison.Ordinal);
        Assert.Equal(before, Context.IoThreads);
    }

    /// <summary>Sixteen DEALERs talk to one ROUTER through as many I/O threads as the setting allows (four, then one):
    /// every dealer gets every one of its echoes back, in order, whichever thread its connection and the ROUTER's side
    /// of it landed on.</summary>
    [Theory]
    [InlineData("tcp", 4)]
    [InlineData("ipc", 4)]
    [InlineData("tcp", 1)]
    [InlineData("ipc", 1)]
    public void EveryConnectionDeliversEverythingInOrder(string transport, int threads)
    {
        int before = Context.IoThreads;
        Context.IoThreads = threads;
        try
        {
            EchoThroughRouter(transport, dealers: 16, messages: 500);
            if (OperatingSystem.IsLinux() && threads > 1 && Environment.GetEnvironmentVariable("ZERA_IO_THREAD") != "0")
            {
                // 32 connections (both ends of 16) went to the least busy of four loops, so all four were started.
                Assert.True(IoThreadNames().Count >= threads, $"I/O threads: {string.Join(", ", IoThreadNames())}");
            }
        }
        finally
        {
            Context.IoThreads = before;
        }
    }

    private static void EchoThroughRouter(string transport, int dealers, int messages)
    {
        using var scope = new Scope();
        var router = scope.Bound(SocketType.Router, transport, out var endpoint);
        router.ReceiveTimeout = (int)Io.Long.TotalMilliseconds;
        var peers = new ZeraSocket[dealers];
        for (int i = 0; i < dealers; i++)
        {
            peers[i] = scope.Connected(SocketType.Dealer, endpoint);
            peers[i].ReceiveTimeout = (int)Io.Long.TotalMilliseconds;
            peers[i].SendHighWatermark = 0;
        }
        router.SendHighWatermark = 0;
        router.ReceiveHighWatermark = 0;
        for (int n = 0; n < messages; n++)
        {
            for (int i = 0; i < dealers; i++) Io.Send(peers[i], $"{i}:{n}");
        }
        for (int k = 0; k < dealers * messages; k++)
        {
            var message = Io.ReceiveBytes(router);
            Assert.Equal(2, message.Count);
            Io.SendBytes(router, message[0], message[1]);
        }
        for (int i = 0; i < dealers; i++)
        {
            for (int n = 0; n < messages; n++) Io.Expect(peers[i], $"{i}:{n}");
        }
    }

    /// <summary>The names of this process's Zera I/O threads, from /proc (Linux).</summary>
    private static List<string> IoThreadNames()
    {
        var names = new List<string>();
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string name;
            try
            {
                name = File.ReadAllText(Path.Combine(task, "comm"), Encoding.UTF8).Trim();
            }
            catch (IOException)
            {
                continue; // the thread ended meanwhile
            }
            if (name.StartsWith("Zera I/O", StringComparison.Ordinal)) names.Add(name);
        }
        return names;
    }
}
