using Zera.Protocol;
using Zera.Protocol.Mechanisms;

namespace Zera.Fuzz.Targets;

/// <summary>
/// <c>curve-server</c>: the CURVE server, with config bits 0-1 choosing how far a real client (<see cref="RawCurveClient"/>,
/// fixed keys) takes it before the fuzzer's bytes count:
/// 0, the chunks are the client's commands from the first (HELLO parsing);
/// 1, a real HELLO first, then the chunks (INITIATE as raw bytes: the cookie and box checks);
/// 2, a real HELLO, then the first chunk is INITIATE's plaintext boxed as a real client would (client key, vouch,
/// metadata: the vouch and metadata checks), then the rest as raw commands;
/// 3, as 2 with a valid vouch, so the first chunk is the metadata alone.
/// When the server asks the ZAP handler, config bits 2-3 choose the answer. CURVE documents that malformed input is a
/// status (ProtocolException is caught inside), so every exception is a crash.
/// </summary>
internal sealed class CurveServerTarget : FuzzTarget
{
    public override string Name => "curve-server";

    public override string Description => "CurveServerMechanism.Process: HELLO raw, or INITIATE raw / boxed plaintext / metadata after a real HELLO";

    public override void Run(ReadOnlySpan<byte> input)
    {
        var reader = new FuzzInput(input);
        int mode = reader.Config & 3;
        using var server = new CurveServerMechanism(FuzzKeys.Server.Public, FuzzKeys.Server.Secret, Mechanisms.RouterProperties);
        var client = new RawCurveClient();
        if (mode >= 1)
        {
            Expect(server.Process(RawCurveClient.Hello()), MechanismStatus.InProgress, "a real HELLO");
            var welcome = Mechanisms.Drain(server) ?? throw new FuzzInvariantException("no WELCOME after a real HELLO");
            if (!client.TakeWelcome(welcome)) throw new FuzzInvariantException("the server's WELCOME does not open");
        }
        if (mode >= 2 && reader.TryNext(out var first))
        {
            var initiate = client.Initiate(mode == 2 ? first : client.VouchedPlain(first));
            Step(server, initiate, reader.Config);
        }
        while (reader.TryNext(out var command)) Step(server, command, reader.Config);
    }

    private static void Step(CurveServerMechanism server, ReadOnlySpan<byte> command, byte config)
    {
        var status = server.Process(command);
        if (status == MechanismStatus.AwaitingZap)
        {
            if (server.ZapRequest is null) throw new FuzzInvariantException("AwaitingZap without a ZAP request");
            server.OnZapReply(Mechanisms.Reply(config >> 2));
        }
        _ = server.Failure;
        Mechanisms.Drain(server);
    }

    private static void Expect(MechanismStatus got, MechanismStatus expected, string what)
    {
        if (got != expected) throw new FuzzInvariantException($"{what} gave {got}, not {expected}");
    }

    public override IEnumerable<byte[]> Seeds()
    {
        var metadata = Mechanisms.Metadata(Mechanisms.DealerProperties);
        yield return FuzzInput.Encode(0, RawCurveClient.Hello());
        yield return FuzzInput.Encode(1, new byte[9 + 96 + 8 + 16 + 128]);
        yield return FuzzInput.Encode(1, [.. "\u0008INITIATE"u8, .. new byte[300]]);
        yield return FuzzInput.Encode(2, [.. new byte[128], .. metadata]);
        yield return FuzzInput.Encode(3, metadata);
        yield return FuzzInput.Encode(3 | 8, metadata);          // ZAP refuses with 400
        yield return FuzzInput.Encode(3, metadata, Command.BuildError("late"));
    }
}
