using System.Text;
using Zera.Protocol;

namespace Zera.Tests.Protocol;

/// <summary>READY and its metadata (RFC 23/37 §The NULL Security Mechanism), checked against the RFC's worked example.</summary>
public class ReadyCommandTests
{
    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    /// <summary>A whole command frame: header (flags %x04, short size) then body.</summary>
    private static byte[] CommandFrame(byte[] body)
    {
        var header = new byte[FrameHeader.MaxSize];
        int n = FrameHeader.Write(header, body.Length, more: false, command: true);
        return [.. header[..n], .. body];
    }

    [Fact]
    public void ReadyWithSocketTypeReqIsLaidOutAsTheRfcSays()
    {
        byte[] expected =
        [
            0x04, 25,                                                       // command, short size
            5, (byte)'R', (byte)'E', (byte)'A', (byte)'D', (byte)'Y',       // command name
            11, .. Ascii("Socket-Type"),                                    // property name
            0x00, 0x00, 0x00, 0x03, (byte)'R', (byte)'E', (byte)'Q',        // value, network-order size
        ];
        var body = Command.BuildReady(("Socket-Type", Ascii("REQ")));
        Assert.Equal(expected, CommandFrame(body));
    }

    [Fact]
    public void ReadyOfTheRfcWorkedExampleDealer()
    {
        // The client's READY in RFC 23/37 "Worked Example": Socket-Type DEALER and an empty Identity, size 41.
        byte[] expected =
        [
            0x04, 41,
            0x05, .. Ascii("READY"),
            11, .. Ascii("Socket-Type"),
            0x00, 0x00, 0x00, 0x06, .. Ascii("DEALER"),
            8, .. Ascii("Identity"),
            0x00, 0x00, 0x00, 0x00,
        ];
        var body = Command.BuildReady(("Socket-Type", Ascii("DEALER")), ("Identity", []));
        Assert.Equal(expected, CommandFrame(body));
    }

    [Fact]
    public void ReadyOfTheRfcWorkedExampleRouter()
    {
        byte[] expected =
        [
            0x04, 28,
            0x05, .. Ascii("READY"),
            11, .. Ascii("Socket-Type"),
            0x00, 0x00, 0x00, 0x06, .. Ascii("ROUTER"),
        ];
        Assert.Equal(expected, CommandFrame(Command.BuildReady(("Socket-Type", Ascii("ROUTER")))));
    }

    [Fact]
    public void ReadyRoundTripsSocketTypeAndIdentity()
    {
        byte[] identity = [0x01, 0xFF, 0x00, 0x7F];
        var body = Command.BuildReady(("Socket-Type", Ascii("DEALER")), ("Identity", identity));
        Assert.Equal(Command.Ready, Command.Parse(body, out var data));
        var props = Command.ParseProperties(data);
        Assert.Equal(2, props.Count);
        Assert.Equal(Ascii("DEALER"), props["Socket-Type"]);
        Assert.Equal(identity, props["Identity"]);
    }

    [Fact]
    public void ReadyWithoutPropertiesIsJustTheName()
    {
        var body = Command.BuildReady();
        Assert.Equal([5, .. Ascii("READY")], body);
        Assert.Equal(Command.Ready, Command.Parse(body, out var data));
        Assert.Empty(Command.ParseProperties(data));
    }

    [Fact]
    public void LongValuesRoundTrip()
    {
        var big = new byte[70_000];
        new Random(7).NextBytes(big);
        var body = Command.BuildReady(("X-Big", big), ("Socket-Type", Ascii("PUSH")));
        Command.Parse(body, out var data);
        var props = Command.ParseProperties(data);
        Assert.Equal(big, props["X-Big"]);
        Assert.Equal(Ascii("PUSH"), props["Socket-Type"]);
    }

    [Theory]
    [InlineData("socket-type")]
    [InlineData("SOCKET-TYPE")]
    [InlineData("Socket-Type")]
    [InlineData("sOcKeT-tYpE")]
    public void PropertyNamesAreCaseInsensitive(string lookup)
    {
        // The peer wrote the name in lower case; any spelling must find it.
        var body = Command.BuildReady(("socket-type", Ascii("PULL")), ("IDENTITY", Ascii("me")));
        Command.Parse(body, out var data);
        var props = Command.ParseProperties(data);
        Assert.True(props.TryGetValue(lookup, out var value));
        Assert.Equal(Ascii("PULL"), value);
        Assert.Equal(Ascii("me"), props["identity"]);
    }

    [Fact]
    public void ValueLengthRunningPastTheEndIsAProtocolError()
    {
        // Name "Socket-Type", then a value size of 10 with only 3 bytes after it.
        byte[] data = [11, .. Ascii("Socket-Type"), 0, 0, 0, 10, .. Ascii("REQ")];
        Assert.Throws<ProtocolException>(() => Command.ParseProperties(data));
    }

    [Fact]
    public void HugeValueLengthIsAProtocolError()
    {
        byte[] data = [1, (byte)'A', 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3];
        Assert.Throws<ProtocolException>(() => Command.ParseProperties(data));
    }

    [Fact]
    public void NameLengthRunningPastTheEndIsAProtocolError()
    {
        byte[] data = [20, .. Ascii("Socket")];
        Assert.Throws<ProtocolException>(() => Command.ParseProperties(data));
    }

    [Fact]
    public void TruncatedValueSizeIsAProtocolError()
    {
        byte[] data = [2, (byte)'I', (byte)'d', 0, 0, 0];
        Assert.Throws<ProtocolException>(() => Command.ParseProperties(data));
    }

    [Fact]
    public void ZeroLengthNameIsAProtocolError()
    {
        // RFC 23: zero-sized names are not valid.
        byte[] data = [0, 0, 0, 0, 0];
        Assert.Throws<ProtocolException>(() => Command.ParseProperties(data));
    }

    [Fact]
    public void MalformedPropertyAfterAGoodOneIsStillAProtocolError()
    {
        byte[] data = [.. Command.BuildReady(("Socket-Type", Ascii("REQ")))[6..], 8, .. Ascii("Identity"), 0, 0, 0, 5, 1];
        Assert.Throws<ProtocolException>(() => Command.ParseProperties(data));
    }
}
