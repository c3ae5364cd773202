using Zera.Protocol;
using Zera.Protocol.Mechanisms;

namespace Zera.Fuzz.Targets;

/// <summary>
/// <c>plain-client</c>: the PLAIN client, after its HELLO, fed the input's chunks as the server's commands (WELCOME,
/// READY, ERROR in RFC 23's form and in released libzmq's "^RROR" form). Malformed input is a status, never an
/// exception.
/// </summary>
internal sealed class PlainClientTarget : FuzzTarget
{
    public override string Name => "plain-client";

    public override string Description => "PlainClientMechanism.Process on length-prefixed commands (WELCOME, READY, ERROR)";

    public override void Run(ReadOnlySpan<byte> input)
    {
        var reader = new FuzzInput(input);
        var mechanism = new PlainClientMechanism("admin", "secret", Mechanisms.DealerProperties);
        Mechanisms.Drain(mechanism);
        while (reader.TryNext(out var command))
        {
            mechanism.Process(command);
            _ = mechanism.Failure;
            Mechanisms.Drain(mechanism);
        }
    }

    public override IEnumerable<byte[]> Seeds()
    {
        var welcome = Command.Build("WELCOME", []);
        var ready = Command.BuildReady(Mechanisms.RouterProperties);
        yield return FuzzInput.Encode(0, welcome, ready);
        yield return FuzzInput.Encode(0, Command.BuildError("400"));
        yield return FuzzInput.Encode(0, [.. "^RROR"u8, 3, .. "400"u8]);
        yield return FuzzInput.Encode(0, welcome, Command.BuildError("500"));
        yield return FuzzInput.Encode(0, welcome, ready, ready);
    }
}
