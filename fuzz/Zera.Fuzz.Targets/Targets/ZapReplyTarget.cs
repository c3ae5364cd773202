using Zera.Protocol;
using Zera.Protocol.Mechanisms;

namespace Zera.Fuzz.Targets;

/// <summary>
/// <c>zap-reply</c>: <see cref="ZapMessages.ParseReply"/> fed the input's chunks as the reply's frames (answering
/// request "7"); a reply it accepts is then given to the mechanisms that take one, as the connection would: NULL with
/// ZAP, and (config bit 0) a PLAIN server after its HELLO, or (config bit 1) a CURVE server after a real INITIATE. The
/// parser documents a null result for an invalid reply, so every exception is a crash.
/// </summary>
internal sealed class ZapReplyTarget : FuzzTarget
{
    private const string RequestId = "7";

    public override string Name => "zap-reply";

    public override string Description => "ZapMessages.ParseReply on length-prefixed frames, then OnZapReply of NULL, PLAIN and CURVE servers";

    public override void Run(ReadOnlySpan<byte> input)
    {
        var reader = new FuzzInput(input);
        var frames = new List<byte[]>();
        while (reader.TryNext(out var frame)) frames.Add(frame.ToArray());
        var reply = ZapMessages.ParseReply(frames, RequestId, out int code, out string error);
        if (reply is null)
        {
            if (code == 0 || error.Length == 0) throw new FuzzInvariantException("a refused ZAP reply without a code or words");
            return;
        }

        var nullMechanism = new NullMechanism(true, Mechanisms.DealerProperties);
        nullMechanism.OnZapReply(reply);
        Mechanisms.Drain(nullMechanism);

        if ((reader.Config & 1) != 0)
        {
            var plain = new PlainServerMechanism(Mechanisms.RouterProperties);
            if (plain.Process(PlainClientMechanism.BuildHello("u"u8, "p"u8)) != MechanismStatus.AwaitingZap)
                throw new FuzzInvariantException("a valid PLAIN HELLO does not ask ZAP");
            plain.OnZapReply(reply);
            Mechanisms.Drain(plain);
        }
        if ((reader.Config & 2) != 0)
        {
            using var curve = new CurveServerMechanism(FuzzKeys.Server.Public, FuzzKeys.Server.Secret, Mechanisms.RouterProperties);
            var client = new RawCurveClient();
            curve.Process(RawCurveClient.Hello());
            client.TakeWelcome(Mechanisms.Drain(curve) ?? []);
            if (curve.Process(client.Initiate(client.VouchedPlain([]))) != MechanismStatus.AwaitingZap)
                throw new FuzzInvariantException("a valid CURVE INITIATE does not ask ZAP");
            curve.OnZapReply(reply);
            Mechanisms.Drain(curve);
        }
    }

    public override IEnumerable<byte[]> Seeds()
    {
        byte[][] Reply(string status, string user, byte[] metadata) =>
            [[], "1.0"u8.ToArray(), "7"u8.ToArray(), System.Text.Encoding.ASCII.GetBytes(status), "text"u8.ToArray(),
                System.Text.Encoding.ASCII.GetBytes(user), metadata];
        var metadata = Mechanisms.Metadata(("Hello", "World"u8.ToArray()));
        yield return FuzzInput.Encode(3, Reply("200", "admin", metadata));
        yield return FuzzInput.Encode(3, Reply("400", "", []));
        yield return FuzzInput.Encode(3, Reply("300", "", []));
        yield return FuzzInput.Encode(3, Reply("500", "", []));
        yield return FuzzInput.Encode(0, Reply("200", "", [5, 0]));
        yield return FuzzInput.Encode(0, [[], "1.0"u8.ToArray()]);
    }
}
