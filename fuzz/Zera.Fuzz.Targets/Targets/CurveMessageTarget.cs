using Zera.Protocol;
using Zera.Protocol.Mechanisms;

namespace Zera.Fuzz.Targets;

/// <summary>
/// <c>curve-message</c>: a CURVE server after a whole handshake with <see cref="RawCurveClient"/>, its
/// <see cref="IFrameTransform.TryDecode"/> fed each chunk. Config bits 0-1 choose what a chunk is:
/// 0, a frame's body as it is (forged MESSAGEs, other commands);
/// 1, a MESSAGE's plaintext (flags octet, payload; an empty chunk is an empty frame) boxed by the client under the
/// next nonce: it must decode, to the same payload and More flag;
/// 2, an 8-byte short nonce then the plaintext, boxed by the client (replays, reordering, nonce 0 and 2^64-1).
/// <see cref="ProtocolException"/> is allowed except in mode 1: TryDecode documents it for a MESSAGE that does not
/// decode.
/// </summary>
internal sealed class CurveMessageTarget : FuzzTarget
{
    public override string Name => "curve-message";

    public override string Description => "CurveMechanism.TryDecode after a real handshake: raw frames, or MESSAGE boxed around the input";

    public override void Run(ReadOnlySpan<byte> input)
    {
        var reader = new FuzzInput(input);
        int mode = reader.Config & 3;
        using var server = new CurveServerMechanism(FuzzKeys.Server.Public, FuzzKeys.Server.Secret, Mechanisms.RouterProperties);
        var client = Handshake(server);
        var transform = server.FrameTransform ?? throw new FuzzInvariantException("no frame transform after the handshake");
        ulong nonce = 2; // INITIATE's
        while (reader.TryNext(out var chunk))
        {
            byte[] body = mode switch
            {
                1 => client.Message(++nonce, chunk.IsEmpty ? [0] : chunk), // a plaintext has its flags octet
                2 => chunk.Length >= 8
                    ? client.Message(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(chunk), chunk[8..])
                    : chunk.ToArray(),
                _ => chunk.ToArray(),
            };
            try
            {
                if (transform.TryDecode(body, out var frame))
                {
                    try
                    {
                        if (mode == 1) Check(chunk, frame);
                    }
                    finally
                    {
                        frame.Dispose();
                    }
                }
                else if (mode == 1)
                {
                    throw new FuzzInvariantException("an authentic MESSAGE was not taken for one");
                }
            }
            catch (ProtocolException) when (mode != 1)
            {
                // Documented: a MESSAGE that does not decode.
            }
        }
    }

    /// <summary>A decoded authentic MESSAGE carries the plaintext's payload, and its More and Command bits.</summary>
    private static void Check(ReadOnlySpan<byte> plain, Frame frame)
    {
        if (plain.IsEmpty) plain = [0];
        if (!frame.Span.SequenceEqual(plain[1..])) throw new FuzzInvariantException("a decoded MESSAGE's payload differs from what was boxed");
        if (frame.More != ((plain[0] & 1) != 0)) throw new FuzzInvariantException("a decoded MESSAGE's More flag differs from its flags octet");
    }

    private static RawCurveClient Handshake(CurveServerMechanism server)
    {
        var client = new RawCurveClient();
        server.Process(RawCurveClient.Hello());
        if (!client.TakeWelcome(Mechanisms.Drain(server) ?? [])) throw new FuzzInvariantException("no WELCOME that opens");
        var status = server.Process(client.Initiate(client.VouchedPlain(Mechanisms.Metadata(Mechanisms.DealerProperties))));
        if (status != MechanismStatus.AwaitingZap) throw new FuzzInvariantException($"a real INITIATE gave {status}");
        if (server.OnZapReply(ZapReply.Accept) != MechanismStatus.Ready) throw new FuzzInvariantException("an accepted handshake is not ready");
        Mechanisms.Drain(server);
        return client;
    }

    public override IEnumerable<byte[]> Seeds()
    {
        yield return FuzzInput.Encode(1, [0, .. "hello"u8], [1, .. "part"u8], [0]);
        yield return FuzzInput.Encode(1, [2, .. Command.BuildPing(10, "c"u8)]);
        yield return FuzzInput.Encode(2, [0, 0, 0, 0, 0, 0, 0, 3, 0, .. "x"u8], [0, 0, 0, 0, 0, 0, 0, 3, 0, .. "again"u8]);
        yield return FuzzInput.Encode(2, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1]);
        yield return FuzzInput.Encode(0, [.. "\u0007MESSAGE"u8, .. new byte[40]]);
        yield return FuzzInput.Encode(0, Command.BuildPing(10, "c"u8));
    }
}
