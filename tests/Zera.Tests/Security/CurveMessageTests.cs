using System.Buffers.Binary;
using Zera.Protocol;
using Zera.Protocol.Mechanisms;

namespace Zera.Tests.Security;

/// <summary>
/// CURVE's MESSAGE commands after the handshake: every frame boxed with a fresh nonce, its MORE (and COMMAND) flag
/// inside the box; a replayed, reordered or forged MESSAGE is a protocol error.
/// </summary>
public class CurveMessageTests
{
    private static Frame Decode(IMechanism to, byte[] body)
    {
        Assert.True(to.FrameTransform!.TryDecode(body, out var frame));
        return frame;
    }

    [Fact]
    public void ThousandMultipartMessagesEachWayKeepTheirFramesAndFlags()
    {
        using var pair = new CurvePair().Handshake();
        var random = new Random(25);
        int[] sizes = [0, 1, 31, 255, 256, 2047, 2049, 70_000];
        foreach (var (from, to) in new (IMechanism, IMechanism)[] { (pair.Client, pair.Server), (pair.Server, pair.Client) })
        {
            for (int m = 0; m < 1000; m++)
            {
                int parts = 1 + m % 3;
                for (int p = 0; p < parts; p++)
                {
                    var payload = new byte[sizes[(m + p) % sizes.Length] + (m % 7)];
                    random.NextBytes(payload);
                    bool more = p < parts - 1;
                    var frame = Decode(to, CurvePair.Message(from, payload, more));
                    Assert.Equal(payload, frame.ToArray());
                    Assert.Equal(more, frame.More);
                    Assert.Equal(FrameFlags.None, frame.Flags & FrameFlags.Command);
                    frame.Dispose();
                }
            }
        }
    }

    [Fact]
    public void MessageLayoutAndIncreasingNonces()
    {
        using var pair = new CurvePair().Handshake();
        var first = CurvePair.Message(pair.Client, "hello"u8);
        var second = CurvePair.Message(pair.Client, "hello"u8);
        Assert.Equal("\u0007MESSAGE"u8.ToArray(), first[..8]);
        Assert.Equal(8 + 8 + 16 + 1 + 5, first.Length);
        // The client used 1 for HELLO and 2 for INITIATE; its messages go on from there.
        Assert.Equal(3UL, BinaryPrimitives.ReadUInt64BigEndian(first.AsSpan(8)));
        Assert.Equal(4UL, BinaryPrimitives.ReadUInt64BigEndian(second.AsSpan(8)));
        Assert.NotEqual(first[16..], second[16..]); // same payload, different nonce, different box
        Assert.Equal(2UL, BinaryPrimitives.ReadUInt64BigEndian(CurvePair.Message(pair.Server, "x"u8).AsSpan(8))); // READY was 1
    }

    [Fact]
    public void ReplayedMessageIsAnInvalidSequence()
    {
        using var pair = new CurvePair().Handshake();
        var body = CurvePair.Message(pair.Client, "once"u8);
        Decode(pair.Server, body).Dispose();
        var e = Assert.Throws<ProtocolException>(() => pair.Server.TryDecode(body, out _));
        Assert.Equal(ProtocolError.InvalidSequence, e.Code);
    }

    [Fact]
    public void EarlierNonceAfterALaterOneIsAnInvalidSequence()
    {
        using var pair = new CurvePair().Handshake();
        var early = CurvePair.Message(pair.Server, "1"u8);
        var late = CurvePair.Message(pair.Server, "2"u8);
        Decode(pair.Client, late).Dispose(); // skipping ahead is allowed (nonces only have to grow)
        var e = Assert.Throws<ProtocolException>(() => pair.Client.TryDecode(early, out _));
        Assert.Equal(ProtocolError.InvalidSequence, e.Code);
    }

    [Fact]
    public void MessageWithTheHandshakesNonceIsAnInvalidSequence()
    {
        // The server saw nonce 2 in INITIATE: a MESSAGE may not reuse it.
        var server = new CurveServerMechanism(CurvePair.ServerKeys.PublicKeyBytes(), CurvePair.ServerKeys.SecretKeyBytes());
        var client = new RawCurveClient(CurvePair.ServerKeys.PublicKeyBytes(), CurvePair.ClientKeys.PublicKeyBytes(), CurvePair.ClientKeys.SecretKeyBytes());
        using (server)
        {
            server.Process(client.Hello());
            client.Welcome(CurvePair.Take(server));
            Assert.Equal(MechanismStatus.AwaitingZap, server.Process(client.Initiate(Command.BuildReady(("Socket-Type", "DEALER"u8.ToArray()))[6..], shortNonce: 2)));
            server.OnZapReply(ZapReply.Accept);
            var e = Assert.Throws<ProtocolException>(() => server.TryDecode(client.Message(2, 0, "x"u8), out _));
            Assert.Equal(ProtocolError.InvalidSequence, e.Code);
            // A hand-built MESSAGE with the next nonce decodes: our layout is RFC 26's.
            Assert.True(server.TryDecode(client.Message(3, 1, "abc"u8), out var frame));
            Assert.Equal("abc"u8.ToArray(), frame.ToArray());
            Assert.True(frame.More);
            frame.Dispose();
        }
    }

    [Theory]
    [InlineData(16)]  // the tag's first byte
    [InlineData(31)]  // its last
    [InlineData(32)]  // the encrypted flags
    [InlineData(40)]  // the payload
    [InlineData(10)]  // the short nonce (it opens under another nonce, which fails)
    public void TamperedMessageIsACryptographicError(int at)
    {
        using var pair = new CurvePair().Handshake();
        var body = CurvePair.Message(pair.Client, "a payload of some length"u8);
        body[at] ^= 0x01;
        var e = Assert.Throws<ProtocolException>(() => pair.Server.TryDecode(body, out _));
        Assert.Equal(ProtocolError.Cryptographic, e.Code);
    }

    [Fact]
    public void ForgedMessageDoesNotMoveTheNonceWindow()
    {
        using var pair = new CurvePair().Handshake();
        var genuine = CurvePair.Message(pair.Client, "real"u8);
        var forged = (byte[])genuine.Clone();
        BinaryPrimitives.WriteUInt64BigEndian(forged.AsSpan(8), ulong.MaxValue - 1);
        Assert.Throws<ProtocolException>(() => pair.Server.TryDecode(forged, out _));
        Decode(pair.Server, genuine).Dispose();
    }

    [Fact]
    public void MessageInTheWrongDirectionDoesNotOpen()
    {
        // The two directions use different nonce prefixes, so a side's own MESSAGE reflected back fails.
        using var pair = new CurvePair().Handshake();
        CurvePair.Message(pair.Server, "skip"u8); // past the nonce the server saw in INITIATE, so only the box can fail
        var e = Assert.Throws<ProtocolException>(() => pair.Server.TryDecode(CurvePair.Message(pair.Server, "mirror"u8), out _));
        Assert.Equal(ProtocolError.Cryptographic, e.Code);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(32)]
    public void ShortMessageIsMalformed(int length)
    {
        using var pair = new CurvePair().Handshake();
        var body = CurvePair.Message(pair.Client, ""u8)[..length];
        var e = Assert.Throws<ProtocolException>(() => pair.Server.TryDecode(body, out _));
        Assert.Equal(ProtocolError.MalformedMessage, e.Code);
    }

    [Fact]
    public void OtherCommandsAreNotMessages()
    {
        using var pair = new CurvePair().Handshake();
        Assert.False(pair.Server.TryDecode(Command.BuildPing(10, "ctx"u8), out _));
        Assert.False(pair.Server.TryDecode([7, .. "MESSAGX"u8, 0, 0], out _));
        Assert.False(pair.Server.TryDecode([], out _));
    }

    [Fact]
    public void CommandsTravelInsideMessagesWithTheCommandFlag()
    {
        using var pair = new CurvePair().Handshake();
        var ping = Command.BuildPing(10, "ctx"u8);
        var dest = new byte[pair.Client.MaxEncodedSize(ping.Length)];
        int n = pair.Client.EncodeCommand(ping, dest);
        var frame = Decode(pair.Server, CurvePair.Body(dest.AsSpan(0, n)));
        Assert.Equal(FrameFlags.Command, frame.Flags & FrameFlags.Command);
        Assert.False(frame.More);
        Assert.Equal(ping, frame.ToArray());
        frame.Dispose();
    }

    [Fact]
    public void EncodeAllocatesNothing()
    {
        using var pair = new CurvePair().Handshake();
        var transform = pair.Client.FrameTransform!;
        var payload = new byte[1000];
        var dest = new byte[transform.MaxEncodedSize(payload.Length)];
        for (int i = 0; i < 100; i++) transform.Encode(payload, more: false, dest); // warm up (JIT, static constructors)
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) transform.Encode(payload, more: (i & 1) != 0, dest);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void MaxEncodedSizeBoundsEveryEncoding()
    {
        using var pair = new CurvePair().Handshake();
        foreach (int size in new[] { 0, 1, 200, 222, 223, 224, 1000, 100_000 })
        {
            var dest = new byte[pair.Server.MaxEncodedSize(size) + 16];
            int n = pair.Server.Encode(new byte[size], false, dest);
            Assert.True(n <= pair.Server.MaxEncodedSize(size));
            Assert.Equal(CurvePair.Body(dest.AsSpan(0, n)).Length, 33 + size);
        }
    }

    [Fact]
    public void EncodeBeforeTheHandshakeOrAfterDisposeThrows()
    {
        var pair = new CurvePair();
        var dest = new byte[100];
        Assert.Throws<InvalidOperationException>(() => pair.Client.Encode("x"u8, false, dest));
        pair.Handshake();
        pair.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pair.Client.Encode("x"u8, false, dest));
        Assert.Throws<ObjectDisposedException>(() => pair.Server.TryDecode([7, .. "MESSAGE"u8, .. new byte[30]], out _));
    }
}
