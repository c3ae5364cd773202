namespace Zera.Tests.Security;

/// <summary>Z85 (RFC 32): the test vector from the RFC, round trips, and every way a text can be invalid.</summary>
public class Z85Tests
{
    // RFC 32 §Test Case: these 8 bytes encode as "HelloWorld".
    private static readonly byte[] s_helloWorld = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];

    [Fact]
    public void EncodesTheRfcTestVector() => Assert.Equal("HelloWorld", Z85.Encode(s_helloWorld));

    [Fact]
    public void DecodesTheRfcTestVector() => Assert.Equal(s_helloWorld, Z85.Decode("HelloWorld"));

    [Fact]
    public void EmptyInputIsEmptyOutput()
    {
        Assert.Equal("", Z85.Encode([]));
        Assert.Empty(Z85.Decode(""));
    }

    [Fact]
    public void ExtremeGroupsRoundTrip()
    {
        byte[] data = [0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF];
        string text = Z85.Encode(data);
        Assert.Equal("00000%nSc0", text); // 0 is "00000"; 2^32-1 is the largest group, "%nSc0"
        Assert.Equal(data, Z85.Decode(text));
    }

    [Fact]
    public void RandomDataRoundTrips()
    {
        var random = new Random(32);
        for (int length = 0; length <= 256; length += 4)
        {
            var data = new byte[length];
            random.NextBytes(data);
            string text = Z85.Encode(data);
            Assert.Equal(length / 4 * 5, text.Length);
            Assert.Equal(data, Z85.Decode(text));
        }
    }

    [Fact]
    public void TryFormsMatchTheThrowingOnes()
    {
        Span<char> chars = stackalloc char[10];
        Assert.True(Z85.TryEncode(s_helloWorld, chars, out int written));
        Assert.Equal("HelloWorld", chars[..written].ToString());
        Span<byte> bytes = stackalloc byte[8];
        Assert.True(Z85.TryDecode("HelloWorld", bytes, out int decoded));
        Assert.Equal(s_helloWorld, bytes[..decoded].ToArray());

        Assert.False(Z85.TryEncode(new byte[3], chars, out _));
        Assert.False(Z85.TryEncode(new byte[12], chars, out _)); // destination too short
        Assert.False(Z85.TryDecode("Hello", bytes[..3], out _));
        Assert.False(Z85.TryDecode("Hell", bytes, out _));
        Assert.False(Z85.TryDecode("Hell~", bytes, out _));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(31)]
    public void EncodingALengthNotAMultipleOf4Throws(int length)
    {
        var e = Assert.Throws<ArgumentException>(() => Z85.Encode(new byte[length]));
        Assert.Equal("data", e.ParamName);
        Assert.Contains("multiple of 4", e.Message);
    }

    [Theory]
    [InlineData("Hell", "multiple of 5")]
    [InlineData("HelloWorl", "multiple of 5")]
    [InlineData("Hello Worl", "' ' at 5 is not in the Z85 alphabet")]
    [InlineData("Hell\"World", "'\"' at 4 is not in the Z85 alphabet")]
    [InlineData("HelloWor~d", "'~' at 8 is not in the Z85 alphabet")]
    [InlineData("Hello\u00e9orld", "U+00E9 at 5 is not in the Z85 alphabet")]
    [InlineData("%%%%%", "above 2^32-1")]
    [InlineData("Hello%nSc1", "group of 5 characters at 5")]
    public void DecodingInvalidTextThrowsNamingTheProblem(string text, string problem)
    {
        var e = Assert.Throws<ArgumentException>(() => Z85.Decode(text));
        Assert.Equal("text", e.ParamName);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void DecodingNullThrows() => Assert.Throws<ArgumentNullException>(() => Z85.Decode(null!));
}
