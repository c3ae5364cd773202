using Zera.IntegrationTests.Behaviour;

namespace Zera.IntegrationTests.Interop;

/// <summary>
/// ZMQ_CONFLATE against real libzmq (python3-zmq): conflation is local to the conflating socket, so a libzmq peer on
/// the other end sends or receives as usual, and the conflating Zera socket keeps only the latest message.
/// </summary>
public sealed class ConflateInteropTests
{
    /// <summary>libzmq PUSHes 20 messages to a conflating Zera PULL that reads only after the PUSH has gone (its
    /// disconnect is seen after everything it sent was taken in): the PULL gets the last message only.</summary>
    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public async Task LibzmqPushToAConflatingZeraPull(string transport)
    {
        using var ctx = new Context();
        using var pull = ctx.CreateSocket(SocketType.Pull);
        pull.Linger = 0;
        pull.Conflate = true;
        await using var events = pull.MonitorAsync(SocketEventKind.Disconnected).GetAsyncEnumerator();
        var disconnected = events.MoveNextAsync().AsTask();
        string ep = InteropEndpoints.Bind(pull, transport);

        var plan = new PeerPlan().Open("main", "PUSH", connect: ep);
        for (int i = 0; i < 20; i++) plan.Send("main", [TestFrame.Text($"message {i}")]);
        using var peer = LibzmqPeer.Start(plan);
        peer.WaitForSuccess(); // the peer closes its socket after flushing what it sent
        Assert.True(await Io.CompletesWithin(disconnected, Io.Long), "libzmq's disconnect was not seen" + peer.Transcript);

        Io.Expect(pull, "message 19");
        Io.ExpectNothing(pull);
    }

    /// <summary>A conflating Zera PUSH queues 20 messages before its libzmq peer exists; the libzmq PULL that binds
    /// afterwards receives the last one first.</summary>
    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public void ConflatingZeraPushToALibzmqPullThatComesLater(string transport)
    {
        using var ctx = new Context();
        using var push = ctx.CreateSocket(SocketType.Push);
        push.Linger = 0;
        push.Conflate = true;
        string ep = transport == "tcp" ? $"tcp://127.0.0.1:{Io.FreeTcpPort()}" : InteropEndpoints.ForBind(transport);
        push.Connect(ep);
        for (int i = 0; i < 20; i++) Io.Send(push, $"message {i}");

        var plan = new PeerPlan().Open("main", "PULL", bind: ep).Receive("main");
        using var peer = LibzmqPeer.Start(plan);
        var lines = peer.WaitForSuccess();
        Assert.Equal([TestFrame.Describe("message 19"u8)], LibzmqPeer.Received(lines, "main"));
    }
}
