using Xunit.Abstractions;
using Zera.Fuzz.Sockets;

namespace Zera.IntegrationTests.Reliability;

/// <summary>
/// The stateful socket-level fuzzer (fuzz/Zera.Fuzz.Targets/Sockets, also the <c>socket-actions</c> fuzz target) over
/// a few hundred seeded sequences: random create, bind, connect, disconnect, unbind, send, receive, option changes and
/// disposal over sockets of every type in one context, and a PUSH/PULL or PAIR pair that must deliver every message in
/// order meanwhile. A failure names the seed and the actions that led to it; replay it with
/// <c>SocketActionFuzzer.Run(ActionSource.Generate(seed, Length))</c>.
/// </summary>
public sealed class SocketActionFuzzTests(ITestOutputHelper output)
{
    private const int Sequences = 200;
    private const int Length = 400;
    private static readonly TimeSpan s_sequenceLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SeededSequencesKeepEveryInvariant()
    {
        int actions = 0, sent = 0, received = 0, refusals = 0;
        long tracked = 0;
        for (int seed = 1; seed <= Sequences; seed++)
        {
            var input = ActionSource.Generate(seed, Length);
            // Every call inside is bounded by its own limit; this one catches a hang the fuzzer could not see.
            var run = Task.Run(() => SocketActionFuzzer.Run(input, maxActions: 120));
            SocketActionStats stats;
            try
            {
                stats = await run.WaitAsync(s_sequenceLimit);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"seed {seed}: the sequence ran for over {s_sequenceLimit.TotalSeconds} s");
                throw;
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed}: {e}");
                throw;
            }
            actions += stats.Actions;
            sent += stats.FramesSent;
            received += stats.FramesReceived;
            tracked += stats.TrackedDelivered;
            refusals += stats.DocumentedErrors;
        }
        output.WriteLine($"{Sequences} sequences: {actions} actions, {sent} marked frames sent and {received} received by chaos sockets, " +
            $"{tracked} tracked messages delivered in order, {refusals} documented refusals");
        // The sequences must have exercised what they check: messages between chaos sockets, the tracked pairs'
        // deliveries, and refused calls.
        Assert.True(received > 0, "no chaos socket received a marked frame");
        Assert.True(tracked > 1_000, $"only {tracked} tracked messages were delivered");
        Assert.True(refusals > 0, "no call was refused");
    }
}
