using Zera.Protocol;
using Zera.Protocol.Mechanisms;

namespace Zera.Fuzz.Targets;

/// <summary>
/// <c>plain-server</c>: the PLAIN server fed the input's chunks as the client's commands (HELLO, INITIATE...); when it
/// asks the ZAP handler, config bits 1-2 choose the answer. PLAIN documents that malformed input is a status, never an
/// exception, so every exception is a crash.
/// </summary>
internal sealed class PlainServerTarget : FuzzTarget
{
    public override string Name => "plain-server";

    public override string Description => "PlainServerMechanism.Process on length-prefixed commands (HELLO, INITIATE), ZAP reply by config";

    public override void Run(ReadOnlySpan<byte> input)
    {
        var reader = new FuzzInput(input);
        var mechanism = new PlainServerMechanism(Mechanisms.RouterProperties);
        while (reader.TryNext(out var command))
        {
            var status = mechanism.Process(command);
            if (status == MechanismStatus.AwaitingZap)
            {
                if (mechanism.ZapRequest is null) throw new FuzzInvariantException("AwaitingZap without a ZAP request");
                mechanism.OnZapReply(Mechanisms.Reply(reader.Config >> 1));
            }
            _ = mechanism.Failure;
            Mechanisms.Drain(mechanism);
        }
    }

    public override IEnumerable<byte[]> Seeds()
    {
        var hello = PlainClientMechanism.BuildHello("admin"u8, "secret"u8);
        var initiate = Command.Build("INITIATE", Mechanisms.Metadata(Mechanisms.DealerProperties));
        yield return FuzzInput.Encode(0, hello, initiate);
        yield return FuzzInput.Encode(4, hello, initiate);        // ZAP refuses with 400
        yield return FuzzInput.Encode(2, hello);                  // 300: no ERROR
        yield return FuzzInput.Encode(0, PlainClientMechanism.BuildHello([], []), initiate, initiate);
        yield return FuzzInput.Encode(0, Command.BuildReady(Mechanisms.DealerProperties));
    }
}
