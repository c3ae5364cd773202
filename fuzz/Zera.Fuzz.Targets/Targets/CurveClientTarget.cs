using Zera.Protocol;
using Zera.Protocol.Mechanisms;

namespace Zera.Fuzz.Targets;

/// <summary>
/// <c>curve-client</c>: the CURVE client after its HELLO, with config bits 0-1 choosing how far a real server
/// (<see cref="RawCurveServer"/>, fixed keys) takes it:
/// 0, the chunks are the server's commands from the first (WELCOME, ERROR parsing);
/// 1, the first chunk is WELCOME's plaintext (S' and the cookie) boxed as a real server would, then the rest raw;
/// 2, a real WELCOME, then the first chunk is READY's metadata boxed as a real server would, then the rest raw;
/// 3, a real WELCOME, then the chunks raw (READY and ERROR parsing).
/// Every exception is a crash (CURVE turns malformed input into a status).
/// </summary>
internal sealed class CurveClientTarget : FuzzTarget
{
    public override string Name => "curve-client";

    public override string Description => "CurveClientMechanism.Process: WELCOME/READY/ERROR raw, or boxed WELCOME plaintext / READY metadata";

    public override void Run(ReadOnlySpan<byte> input)
    {
        var reader = new FuzzInput(input);
        int mode = reader.Config & 3;
        using var client = new CurveClientMechanism(FuzzKeys.Server.Public, FuzzKeys.Client.Public, FuzzKeys.Client.Secret, Mechanisms.DealerProperties);
        var server = new RawCurveServer();
        var hello = Mechanisms.Drain(client) ?? throw new FuzzInvariantException("no HELLO from the client");
        if (!server.TakeHello(hello)) throw new FuzzInvariantException("the client's HELLO is not 200 bytes");
        if (mode == 1 && reader.TryNext(out var welcomePlain))
        {
            client.Process(server.Welcome(welcomePlain));
            Mechanisms.Drain(client);
        }
        if (mode >= 2)
        {
            var status = client.Process(server.Welcome());
            if (status != MechanismStatus.InProgress) throw new FuzzInvariantException($"a real WELCOME gave {status}");
            if (Mechanisms.Drain(client) is null) throw new FuzzInvariantException("no INITIATE after a real WELCOME");
            if (mode == 2 && reader.TryNext(out var metadata)) client.Process(server.Ready(metadata));
        }
        while (reader.TryNext(out var command))
        {
            client.Process(command);
            _ = client.Failure;
            Mechanisms.Drain(client);
        }
    }

    public override IEnumerable<byte[]> Seeds()
    {
        var server = new RawCurveServer();
        using (var client = new CurveClientMechanism(FuzzKeys.Server.Public, FuzzKeys.Client.Public, FuzzKeys.Client.Secret))
        {
            server.TakeHello(Mechanisms.Drain(client)!);
        }
        yield return FuzzInput.Encode(0, server.Welcome());      // boxed to another C': does not open
        yield return FuzzInput.Encode(0, Command.BuildError("400"));
        yield return FuzzInput.Encode(1, [.. FuzzKeys.ServerShort.Public, .. new byte[96]]);
        yield return FuzzInput.Encode(2, Mechanisms.Metadata(Mechanisms.RouterProperties));
        yield return FuzzInput.Encode(2, Mechanisms.Metadata(Mechanisms.RouterProperties), Command.BuildError("late"));
        yield return FuzzInput.Encode(3, Command.BuildError("400"));
        yield return FuzzInput.Encode(3, [.. "\u0005READY"u8, .. new byte[24]]);
    }
}
