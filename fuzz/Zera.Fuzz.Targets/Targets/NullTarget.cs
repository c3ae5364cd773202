using Zera.Protocol;
using Zera.Protocol.Mechanisms;

namespace Zera.Fuzz.Targets;

/// <summary>
/// <c>null</c>: the NULL mechanism fed the input's chunks as the peer's commands (READY, ERROR, anything). Config bit 0
/// turns ZAP on (the request is outstanding from the start); bits 1-2 choose the ZAP reply, bits 3-4 after how many
/// commands it comes. <see cref="ProtocolException"/> is allowed: NULL reads its commands with
/// <see cref="Command.Parse"/> and <see cref="Command.ParseProperties"/>, which throw it on malformed input, and the
/// connection turns it into a malformed-peer end.
/// </summary>
internal sealed class NullTarget : FuzzTarget
{
    public override string Name => "null";

    public override string Description => "NullMechanism.Process on length-prefixed commands (READY, ERROR), with or without ZAP";

    public override void Run(ReadOnlySpan<byte> input)
    {
        var reader = new FuzzInput(input);
        bool zap = (reader.Config & 1) != 0;
        int replyAt = (reader.Config >> 3) & 3;
        var mechanism = new NullMechanism(zap, Mechanisms.DealerProperties);
        Mechanisms.Drain(mechanism);
        int index = 0;
        bool replied = false;
        while (reader.TryNext(out var command))
        {
            if (zap && !replied && index == replyAt)
            {
                replied = true;
                mechanism.OnZapReply(Mechanisms.Reply(reader.Config >> 1));
                Mechanisms.Drain(mechanism);
            }
            try
            {
                mechanism.Process(command);
            }
            catch (ProtocolException)
            {
                // Documented for NULL (see the class).
            }
            _ = mechanism.Failure;
            _ = mechanism.PeerProperties.Count;
            Mechanisms.Drain(mechanism);
            index++;
        }
    }

    public override IEnumerable<byte[]> Seeds()
    {
        var ready = Command.BuildReady(Mechanisms.RouterProperties);
        yield return FuzzInput.Encode(0, ready);
        yield return FuzzInput.Encode(0, Command.BuildError("go away"));
        yield return FuzzInput.Encode(0, Command.BuildError("400"));
        yield return FuzzInput.Encode(0, ready, ready);
        yield return FuzzInput.Encode(1, ready);                 // ZAP accepts before READY
        yield return FuzzInput.Encode(1 | 8, ready, ready);      // ZAP accepts after READY
        yield return FuzzInput.Encode(1 | 4, ready);             // ZAP refuses with 400
        yield return FuzzInput.Encode(0, Command.BuildPing(10, "ctx"u8));
    }
}
