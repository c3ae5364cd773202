using Zera.Fuzz.Sockets;

namespace Zera.Fuzz.Targets;

/// <summary>
/// <c>socket-actions</c>: the stateful socket-level fuzzer (<see cref="SocketActionFuzzer"/>): the input is the
/// sequence of choices (which socket, which action, which endpoint, option and value), run against real sockets in a
/// fresh <see cref="Context"/>. Slower than the parser targets (sockets, threads and real connections per input), and
/// less stable under afl (timing decides which messages have arrived), but it reaches what they cannot: the socket API,
/// the patterns, the transports and disposal.
/// </summary>
internal sealed class SocketActionsTarget : FuzzTarget
{
    public override string Name => "socket-actions";

    public override string Description => "random create/bind/connect/disconnect/unbind/send/receive/option/dispose sequences over real sockets, with a tracked pair";

    public override void Run(ReadOnlySpan<byte> input) => SocketActionFuzzer.Run(input.ToArray());

    public override IEnumerable<byte[]> Seeds()
    {
        for (int seed = 1; seed <= 6; seed++) yield return ActionSource.Generate(seed, 160);
    }
}
