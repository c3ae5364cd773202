namespace Zera.Tests.Api;

/// <summary>One-way socket types refuse the other direction with InvalidState (as the pub-sub issue asks; libzmq says ENOTSUP), whichever call is used.</summary>
public sealed class SocketDirectionTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);
    private readonly Context _context = new();

    public void Dispose() => _context.Dispose();

    private static void AssertRefused(Action call, string typeName)
    {
        var e = Assert.Throws<ZeraException>(call);
        Assert.Equal(ErrorKind.InvalidState, e.Kind);
        Assert.Contains(typeName, e.Message);
    }

    [Fact]
    public void SendingOnPullIsRefused()
    {
        using var pull = _context.CreateSocket(SocketType.Pull);
        pull.Bind("inproc://pull-send");
        pull.SendTimeout = 1000; // a wrong "would block" must not hang the test
        AssertRefused(() => pull.Send("x"), "PULL");
        AssertRefused(() => pull.TrySend("x", TimeSpan.Zero), "PULL");
        AssertRefused(() => pull.TrySend("x"u8, s_timeout), "PULL");
        AssertRefused(() => pull.SendMultipart("a", "b"), "PULL");
    }

    [Fact]
    public async Task SendingAsyncOnPullIsRefused()
    {
        using var pull = _context.CreateSocket(SocketType.Pull);
        var e = await Assert.ThrowsAsync<ZeraException>(async () => await pull.SendAsync("x").AsTask().WaitAsync(s_timeout));
        Assert.Equal(ErrorKind.InvalidState, e.Kind);
    }

    [Fact]
    public void ReceivingOnPushIsRefused()
    {
        using var push = _context.CreateSocket(SocketType.Push);
        push.Bind("inproc://push-receive");
        push.ReceiveTimeout = 1000;
        AssertRefused(() => push.Receive(), "PUSH");
        AssertRefused(() => push.TryReceive(out _), "PUSH");
        AssertRefused(() => push.TryReceive(out _, s_timeout), "PUSH");
        AssertRefused(() => push.TryReceiveString(s_timeout, out _), "PUSH");
    }

    [Fact]
    public async Task ReceivingAsyncOnPushIsRefused()
    {
        using var push = _context.CreateSocket(SocketType.Push);
        var e = await Assert.ThrowsAsync<ZeraException>(async () => await push.ReceiveAsync().AsTask().WaitAsync(s_timeout));
        Assert.Equal(ErrorKind.InvalidState, e.Kind);
    }
}
