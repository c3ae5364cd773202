using Zera.Protocol;

namespace Zera.Tests.Protocol;

/// <summary>The 64-byte greeting, checked against the layout in RFC 23 / RFC 37 ("Worked Example").</summary>
public class GreetingTests
{
    /// <summary>RFC 37 greeting for NULL security: signature, version 3.1, "NULL" zero-padded to 20, as-server, filler.</summary>
    private static byte[] RfcGreeting(byte minor, bool asServer = false)
    {
        var g = new byte[64];
        g[0] = 0xFF;                 // signature: %xFF
        // 1..8: padding, zeros
        g[9] = 0x7F;                 // signature: %x7F
        g[10] = 0x03;                // version-major
        g[11] = minor;               // version-minor
        g[12] = (byte)'N';           // mechanism, 12..31
        g[13] = (byte)'U';
        g[14] = (byte)'L';
        g[15] = (byte)'L';
        g[32] = asServer ? (byte)1 : (byte)0;
        // 33..63: filler, zeros
        return g;
    }

    [Fact]
    public void WriteProducesTheRfcLayoutByteForByte()
    {
        var buffer = new byte[64];
        Greeting.Write(buffer, "NULL", asServer: false);
        Assert.Equal(RfcGreeting(minor: 1), buffer);
    }

    [Fact]
    public void WriteSetsAsServer()
    {
        var buffer = new byte[64];
        Greeting.Write(buffer, "NULL", asServer: true);
        Assert.Equal(RfcGreeting(minor: 1, asServer: true), buffer);
    }

    [Fact]
    public void WriteClearsWhateverWasInTheBuffer()
    {
        var buffer = new byte[80];
        Array.Fill(buffer, (byte)0xAA);
        Greeting.Write(buffer, "NULL", asServer: false);
        Assert.Equal(RfcGreeting(minor: 1), buffer[..64]);
        Assert.All(buffer[64..], b => Assert.Equal((byte)0xAA, b)); // nothing past the greeting is touched
    }

    [Fact]
    public void WrittenGreetingParsesBack()
    {
        var buffer = new byte[64];
        Greeting.Write(buffer, "PLAIN", asServer: true);
        var g = Greeting.Parse(buffer);
        Assert.Equal(new Greeting(3, 1, "PLAIN", true), g);
    }

    [Fact]
    public void ParsesAZmtp30Greeting()
    {
        var g = Greeting.Parse(RfcGreeting(minor: 0));
        Assert.Equal(3, g.Major);
        Assert.Equal(0, g.Minor);
        Assert.Equal("NULL", g.Mechanism);
        Assert.False(g.AsServer);
    }

    [Fact]
    public void ParseIgnoresThePaddingField()
    {
        // RFC 23: the padding must not be validated or interpreted (a 1.0/2.0-detecting peer puts a length there).
        var bytes = RfcGreeting(minor: 1);
        for (int i = 1; i <= 8; i++) bytes[i] = (byte)(0x10 + i);
        Assert.Null(Greeting.CheckPrefix(bytes));
        Assert.Equal("NULL", Greeting.Parse(bytes).Mechanism);
    }

    [Fact]
    public void ParseAcceptsAHigherVersion()
    {
        // RFC 23: a peer MUST accept versions greater than or equal to 3.0.
        var bytes = RfcGreeting(minor: 7);
        bytes[10] = 4;
        var g = Greeting.Parse(bytes);
        Assert.Equal(4, g.Major);
        Assert.Equal(7, g.Minor);
    }

    [Fact]
    public void ParseReadsAMechanismThatFillsAllTwentyBytes()
    {
        var bytes = RfcGreeting(minor: 1);
        "ABCDEFGHIJKLMNOPQRST"u8.CopyTo(bytes.AsSpan(12));
        Assert.Equal("ABCDEFGHIJKLMNOPQRST", Greeting.Parse(bytes).Mechanism);
    }

    [Fact]
    public void ParseRefusesAShortGreeting()
    {
        Assert.Throws<ProtocolException>(() => Greeting.Parse(RfcGreeting(minor: 1).AsSpan(0, 63)));
    }

    [Fact]
    public void CheckPrefixAcceptsEveryPrefixOfAValidGreeting()
    {
        var bytes = RfcGreeting(minor: 1);
        for (int n = 0; n <= bytes.Length; n++)
            Assert.Null(Greeting.CheckPrefix(bytes.AsSpan(0, n)));
    }

    [Fact]
    public void CheckPrefixRefusesABadSignatureFromTheFirstByte()
    {
        // A ZMTP 1.0 peer (or anything foreign) starts with a length, not %xFF.
        var foreign = "GET / HTTP/1.1\r\n"u8.ToArray();
        var reason = Greeting.CheckPrefix(foreign.AsSpan(0, 1));
        Assert.NotNull(reason);
        Assert.Contains("signature", reason);

        var zmtp10Short = new byte[] { 0x01, 0x00 }; // ZMTP 1.0: identity frame, short length
        Assert.NotNull(Greeting.CheckPrefix(zmtp10Short.AsSpan(0, 1)));
    }

    [Fact]
    public void CheckPrefixRefusesAZmtp10LongLengthAtTheTenthByte()
    {
        // ZMTP 1.0 with a long identity length: %xFF then 8 size octets then flags whose bit 0 is clear.
        var bytes = new byte[] { 0xFF, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0x41 };
        for (int n = 1; n < 10; n++)
            Assert.Null(Greeting.CheckPrefix(bytes.AsSpan(0, n)));
        var reason = Greeting.CheckPrefix(bytes.AsSpan(0, 10));
        Assert.NotNull(reason);
        Assert.Contains("1.0", reason);
    }

    [Theory]
    [InlineData(1)] // ZMTP 2.0 announces revision 1
    [InlineData(2)]
    [InlineData(0)]
    public void CheckPrefixRefusesAnOlderVersionAtTheEleventhByte(byte major)
    {
        var bytes = new byte[] { 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x7F, major, 0x05 };
        for (int n = 1; n <= 10; n++)
            Assert.Null(Greeting.CheckPrefix(bytes.AsSpan(0, n)));
        var reason = Greeting.CheckPrefix(bytes.AsSpan(0, 11));
        Assert.NotNull(reason);
        Assert.Contains("version", reason);
    }

    [Fact]
    public void ParseRefusesAZmtp20Greeting()
    {
        var bytes = RfcGreeting(minor: 0);
        bytes[10] = 1;
        Assert.Throws<ProtocolException>(() => Greeting.Parse(bytes));
    }
}
