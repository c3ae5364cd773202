namespace Zera.Tests.Security;

/// <summary>CURVE key pairs: generation, derivation of the public key, and the checks on a key's form.</summary>
public class CurveKeyTests
{
    // RFC 7748 §6.1 (the X25519 Diffie-Hellman example, the same keys as NaCl's crypto_box test): Alice's secret and
    // public keys.
    private static readonly byte[] s_aliceSecret = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    private static readonly byte[] s_alicePublic = Convert.FromHexString("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");

    [Fact]
    public void GeneratedPairsAreZ85AndConsistent()
    {
        var pair = Curve.GenerateKeyPair();
        Assert.Equal(40, pair.PublicKey.Length);
        Assert.Equal(40, pair.SecretKey.Length);
        Assert.True(Curve.IsValidKey(pair.PublicKey));
        Assert.True(Curve.IsValidKey(pair.SecretKey));
        Assert.Equal(pair.PublicKey, Curve.DerivePublicKey(pair.SecretKey));
        Assert.Equal(32, pair.PublicKeyBytes().Length);
        Assert.Equal(pair.PublicKeyBytes(), Curve.DerivePublicKey(pair.SecretKeyBytes()));
    }

    [Fact]
    public void GeneratedPairsDiffer()
    {
        var keys = Enumerable.Range(0, 20).Select(_ => Curve.GenerateKeyPair().SecretKey).ToHashSet();
        Assert.Equal(20, keys.Count);
    }

    [Fact]
    public void ToStringDoesNotShowTheSecretKey()
    {
        var pair = Curve.GenerateKeyPair();
        Assert.Contains(pair.PublicKey, pair.ToString());
        Assert.DoesNotContain(pair.SecretKey, pair.ToString());
    }

    [Fact]
    public void DerivesTheKnownPublicKey()
    {
        Assert.Equal(s_alicePublic, Curve.DerivePublicKey(s_aliceSecret));
        Assert.Equal(Z85.Encode(s_alicePublic), Curve.DerivePublicKey(Z85.Encode(s_aliceSecret)));
    }

    [Fact]
    public void DerivesLibzmqsTestKeys()
    {
        // The test key pairs of libzmq's doc/zmq_curve.adoc (server, then client), given there in Z85 and in hex.
        Assert.Equal(Convert.FromHexString("54FCBA24E93249969316FB617C872BB0C1D1FF14800427C594CBFACF1BC2D652"), Z85.Decode("rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"));
        Assert.Equal(Convert.FromHexString("7BB864B489AFA3671FBE69101F94B38972F24816DFB01B51656B3FEC8DFD0888"), Z85.Decode("D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs"));
        Assert.Equal("rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7", Curve.DerivePublicKey("JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"));
        Assert.Equal("Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID", Curve.DerivePublicKey("D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf")]   // 39 characters
    [InlineData("rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7x")] // 41
    [InlineData("rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]y~7")]  // '~' is not Z85
    public void DerivingFromAMalformedKeyThrowsNamingTheArgument(string key)
    {
        var e = Assert.Throws<ArgumentException>(() => Curve.DerivePublicKey(key));
        Assert.Equal("secretKey", e.ParamName);
        Assert.False(Curve.IsValidKey(key));
    }

    [Fact]
    public void DerivingFromAWrongLengthByteKeyThrows()
    {
        var e = Assert.Throws<ArgumentException>(() => Curve.DerivePublicKey(new byte[31]));
        Assert.Equal("secretKey", e.ParamName);
        Assert.Throws<ArgumentNullException>(() => Curve.DerivePublicKey((string)null!));
        Assert.False(Curve.IsValidKey(null));
    }
}
