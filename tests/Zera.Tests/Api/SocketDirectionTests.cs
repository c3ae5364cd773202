namespace Zera.Tests.Api;

/// <summary>One-way socket types refuse the other direction with NotSupported, whichever call is used.</summary>
public sealed class SocketDirectionTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);
    private readonly Context _context = new();

    public void Dispose() => _context.Dispose();

    private static void AssertNotSupported(Action call, string typeName)
    {
        var e = Assert.Throws<ZeraException>(call);
        Assert.Equal(ErrorKind.NotSupported, e.Kind);
        Assert.Contains(typeName, e.Message);
    }

    [Fact]
    public void SendingOnPullIsNotSupported()
    {
        using var pull = _context.CreateSocket(SocketType.Pull);
        pull.Bind("inproc://pull-send");
        pull.SendTimeout = 1000; // a wrong "would block" must not hang the test
        AssertNotSupported(() => pull.Send("x"), "PULL");
        AssertNotSupported(() => pull.TrySend("x", TimeSpan.Zero), "PULL");
        AssertNotSupported(() => pull.TrySend("x"u8, s_timeout), "PULL");
        AssertNotSupported(() => pull.SendMultipart("a", "b"), "PULL");
    }

    [Fact]
    public async Task SendingAsyncOnPullIsNotSupported()
    {
        using var pull = _context.CreateSocket(SocketType.Pull);
        var e = await Assert.ThrowsAsync<ZeraException>(async () => await pull.SendAsync("x").AsTask().WaitAsync(s_timeout));
        Assert.Equal(ErrorKind.NotSupported, e.Kind);
    }

    [Fact]
    public void ReceivingOnPushIsNotSupported()
    {
        using var push = _context.CreateSocket(SocketType.Push);
        push.Bind("inproc://push-receive");
        push.ReceiveTimeout = 1000;
        AssertNotSupported(() => push.Receive(), "PUSH");
        AssertNotSupported(() => push.TryReceive(out _), "PUSH");
        AssertNotSupported(() => push.TryReceive(out _, s_timeout), "PUSH");
        AssertNotSupported(() => push.TryReceiveString(s_timeout, out _), "PUSH");
    }

    [Fact]
    public async Task ReceivingAsyncOnPushIsNotSupported()
    {
        using var push = _context.CreateSocket(SocketType.Push);
        var e = await Assert.ThrowsAsync<ZeraException>(async () => await push.ReceiveAsync().AsTask().WaitAsync(s_timeout));
        Assert.Equal(ErrorKind.NotSupported, e.Kind);
    }
}
