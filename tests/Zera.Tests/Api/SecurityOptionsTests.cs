namespace Zera.Tests.Api;

/// <summary>The security options (libzmq's ZMQ_PLAIN_*, ZMQ_CURVE_*, ZMQ_ZAP_*, ZMQ_MECHANISM): validation, and the
/// rule that the last one set chooses the mechanism.</summary>
public class SecurityOptionsTests
{
    // A known key pair's public half (RFC 32's test vector style: 40 Z85 characters for 32 bytes).
    private const string PublicZ85 = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";

    [Fact]
    public void DefaultsAreNullSecurity()
    {
        using var context = new Context();
        using var s = context.CreateSocket(SocketType.Dealer);
        Assert.Equal(SecurityMechanism.Null, s.Mechanism);
        Assert.False(s.PlainServer);
        Assert.False(s.CurveServer);
        Assert.Equal("", s.ZapDomain);
        Assert.False(s.ZapEnforceDomain);
        Assert.Null(s.CurvePublicKey);
        Assert.Equal("", s.PlainUsername);
    }

    [Fact]
    public void TheLastOptionSetChoosesTheMechanism()
    {
        using var context = new Context();
        using var s = context.CreateSocket(SocketType.Dealer);
        s.PlainServer = true;
        Assert.Equal(SecurityMechanism.Plain, s.Mechanism);
        s.CurveServer = true;
        Assert.Equal(SecurityMechanism.Curve, s.Mechanism);
        Assert.False(s.PlainServer);
        s.PlainUsername = "u";
        Assert.Equal(SecurityMechanism.Plain, s.Mechanism);
        Assert.False(s.CurveServer); // a username makes it a client
        s.CurveServerKeyZ85 = PublicZ85;
        Assert.Equal(SecurityMechanism.Curve, s.Mechanism);
        s.PlainUsername = null;
        Assert.Equal(SecurityMechanism.Null, s.Mechanism);
        s.PlainServer = false;
        Assert.Equal(SecurityMechanism.Null, s.Mechanism);
    }

    [Fact]
    public void CurveKeysTakeRawBytesOrZ85()
    {
        using var context = new Context();
        using var s = context.CreateSocket(SocketType.Dealer);
        s.CurvePublicKeyZ85 = PublicZ85;
        var raw = s.CurvePublicKey!;
        Assert.Equal(32, raw.Length);
        Assert.Equal(PublicZ85, s.CurvePublicKeyZ85);
        s.CurveSecretKey = raw;
        Assert.Equal(raw, s.CurveSecretKey);
        s.CurveServerKey = System.Text.Encoding.ASCII.GetBytes(PublicZ85); // libzmq's 40-byte text form
        Assert.Equal(raw, s.CurveServerKey);
        raw[0] ^= 1;
        Assert.NotEqual(raw, s.CurvePublicKey); // a copy is kept
    }

    [Fact]
    public void BadKeysNameTheOption()
    {
        using var context = new Context();
        using var s = context.CreateSocket(SocketType.Dealer);
        Assert.Equal(nameof(ZeraSocket.CurvePublicKey), Assert.Throws<ArgumentException>(() => s.CurvePublicKey = new byte[31]).ParamName);
        Assert.Equal(nameof(ZeraSocket.CurveSecretKeyZ85), Assert.Throws<ArgumentException>(() => s.CurveSecretKeyZ85 = "too short").ParamName);
        Assert.Equal(nameof(ZeraSocket.CurveServerKeyZ85),
            Assert.Throws<ArgumentException>(() => s.CurveServerKeyZ85 = "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~").ParamName);
        Assert.Equal(nameof(ZeraSocket.CurveServerKeyZ85),
            Assert.Throws<ArgumentException>(() => s.CurveServerKeyZ85 = "%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%").ParamName); // > 2^32 per group
        Assert.Throws<ArgumentNullException>(() => s.CurvePublicKey = null);
        Assert.Equal(SecurityMechanism.Null, s.Mechanism); // a refused key changes nothing
    }

    [Fact]
    public void A40ByteKeyWithAnOctetPastAsciiIsRefused()
    {
        // Found by the z85 fuzz target (fuzz/corpus/z85/regression-key-non-ascii): the 40-byte text form was decoded as
        // ASCII, which turns 0xFF into '?', a Z85 character, so a corrupted key was accepted as a different key.
        using var context = new Context();
        using var s = context.CreateSocket(SocketType.Dealer);
        var text = System.Text.Encoding.ASCII.GetBytes(PublicZ85);
        text[34] = 0xFF;
        Assert.Equal(nameof(ZeraSocket.CurveServerKey), Assert.Throws<ArgumentException>(() => s.CurveServerKey = text).ParamName);
        text[34] = (byte)'?';
        s.CurveServerKey = text; // the same text with the real '?' is a key
        Assert.Equal(SecurityMechanism.Curve, s.Mechanism);
    }

    [Fact]
    public void PlainCredentialsAreOneTo255Bytes()
    {
        using var context = new Context();
        using var s = context.CreateSocket(SocketType.Dealer);
        Assert.Equal(nameof(ZeraSocket.PlainUsername), Assert.Throws<ArgumentOutOfRangeException>(() => s.PlainUsername = "").ParamName);
        Assert.Equal(nameof(ZeraSocket.PlainPassword), Assert.Throws<ArgumentOutOfRangeException>(() => s.PlainPassword = new string('é', 128)).ParamName);
        s.PlainPassword = new string('x', 255);
        Assert.Equal(SecurityMechanism.Plain, s.Mechanism);
    }

    [Fact]
    public void ZapDomainIsAtMost255Bytes()
    {
        using var context = new Context();
        using var s = context.CreateSocket(SocketType.Dealer);
        s.ZapDomain = null!;
        Assert.Equal("", s.ZapDomain);
        Assert.Equal(nameof(ZeraSocket.ZapDomain), Assert.Throws<ArgumentException>(() => s.ZapDomain = new string('d', 256)).ParamName);
        s.ZapDomain = "global";
        s.ZapEnforceDomain = true;
        Assert.Equal("global", s.ZapDomain);
        Assert.True(s.ZapEnforceDomain);
        Assert.Equal(SecurityMechanism.Null, s.Mechanism);
    }

    [Fact]
    public void Z85RoundTripsLikeRfc32()
    {
        // RFC 32's example: 8 bytes 86 4F D2 6F B5 59 F7 5B encode as "HelloWorld".
        byte[] key = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B, .. new byte[24]];
        string text = SecurityKeys.Format(key);
        Assert.StartsWith("HelloWorld", text);
        Assert.Equal(key, SecurityKeys.Parse("k", text));
    }
}
