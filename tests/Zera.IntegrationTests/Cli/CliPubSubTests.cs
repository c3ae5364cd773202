using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Cli;

/// <summary>The tool's pub-sub: <c>recv --type sub --subscribe</c>, <c>recv --type xpub</c> and
/// <c>send --type pub</c>, against Zera sockets in the test process.</summary>
public sealed class CliPubSubTests
{
    /// <summary>A subscriber process gets only its prefixes: the publisher here keeps publishing both topics until
    /// the process has printed its count (the slow joiner needs that) and exited.</summary>
    [Fact]
    public void Recv_type_sub_prints_only_the_subscribed_prefixes()
    {
        using var ctx = new Context();
        using var pub = ctx.CreateSocket(SocketType.Pub);
        pub.Linger = 0;
        pub.Bind("tcp://127.0.0.1:*");
        using var recv = CliProcess.Start(["recv", pub.LastEndpoint!, "--type", "sub", "--subscribe", "A", "--subscribe", "0x43",
            "--count", "4", "--timeout", "15000"]);
        int n = 0;
        Wait.Until(() =>
        {
            pub.Send($"A {n}");
            pub.Send($"B {n}");
            pub.Send($"C {n++}");
            return recv.Stdout.Count >= 4;
        }, "the subscriber to print 4 messages", TimeSpan.FromSeconds(20));
        var result = recv.WaitForExit();
        Assert.True(result.ExitCode == 0, result.StderrText);
        Assert.Equal(4, result.Stdout.Count);
        Assert.All(result.Stdout, line => Assert.True(line.StartsWith('A') || line.StartsWith('C'), line));
    }

    [Fact]
    public void Recv_type_xpub_prints_subscription_messages()
    {
        using var recv = CliProcess.Start(["recv", "tcp://127.0.0.1:*", "--type", "xpub", "--bind", "--count", "2", "--timeout", "15000"]);
        string endpoint = recv.WaitForStderr("listening on ");
        using var ctx = new Context();
        using var sub = ctx.CreateSocket(SocketType.Sub);
        sub.Linger = 0;
        sub.Connect(endpoint);
        sub.Subscribe("hi");
        sub.Unsubscribe("hi");
        var result = recv.WaitForExit();
        Assert.True(result.ExitCode == 0, result.StderrText);
        Assert.Equal(["0x016869", "0x006869"], result.Stdout);
    }

    [Fact]
    public void Send_type_pub_publishes_each_line_of_stdin()
    {
        using var ctx = new Context();
        using var sub = ctx.CreateSocket(SocketType.Sub);
        sub.Linger = 0;
        sub.Subscribe("news");
        sub.Bind("tcp://127.0.0.1:*");
        using var send = CliProcess.StartWithInput(["send", sub.LastEndpoint!, "--type", "pub"]);
        // Lines are published as they arrive; those before the subscription reached the publisher are missed.
        int n = 0;
        string? first = null;
        Wait.Until(() =>
        {
            send.WriteLine($"other {n}");
            send.WriteLine($"news {n++}");
            return sub.TryReceiveString(TimeSpan.FromMilliseconds(20), out first);
        }, "the first news to arrive");
        Assert.StartsWith("news ", first);
        send.WriteLine("other last");
        send.WriteLine("news last");
        send.CloseInput();
        var result = send.WaitForExit();
        Assert.True(result.ExitCode == 0, result.StderrText);
        string? next;
        do
        {
            Assert.True(sub.TryReceiveString(TimeSpan.FromSeconds(10), out next), "the last news did not arrive");
            Assert.StartsWith("news ", next);
        }
        while (next != "news last");
    }

    [Fact]
    public void Subscribe_with_a_type_that_does_not_subscribe_is_refused()
    {
        var result = CliProcess.Run("recv", "tcp://127.0.0.1:5999", "--type", "pull", "--subscribe", "x");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--subscribe", result.StderrText);
    }
}
