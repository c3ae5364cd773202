namespace Zera.Tests;

public class SmokeTests
{
    [Fact]
    public void InprocPushPullDeliversAMessage()
    {
        using var ctx = new Context();
        using var pull = ctx.CreateSocket(SocketType.Pull);
        pull.Bind("inproc://smoke");
        using var push = ctx.CreateSocket(SocketType.Push);
        push.Connect("inproc://smoke");
        push.Send("hello");
        Assert.True(pull.TryReceiveString(TimeSpan.FromSeconds(5), out var text));
        Assert.Equal("hello", text);
    }
}
