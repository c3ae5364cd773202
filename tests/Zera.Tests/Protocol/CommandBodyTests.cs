using System.Text;
using Zera.Protocol;

namespace Zera.Tests.Protocol;

/// <summary>Command names and the ERROR, PING and PONG bodies (RFC 23 §NULL, RFC 37 §Connection Heartbeating).</summary>
public class CommandBodyTests
{
    [Fact]
    public void ParseSplitsNameAndData()
    {
        byte[] body = [4, (byte)'P', (byte)'I', (byte)'N', (byte)'G', 0x00, 0x0A, 0xAB];
        Assert.Equal("PING", Command.Parse(body, out var data));
        Assert.Equal(new byte[] { 0x00, 0x0A, 0xAB }, data.ToArray());
    }

    [Theory]
    [InlineData(new byte[0])]                                  // empty command frame
    [InlineData(new byte[] { 0 })]                             // empty name
    [InlineData(new byte[] { 0, 1, 2 })]                       // empty name with data
    [InlineData(new byte[] { 5, (byte)'R', (byte)'E' })]       // name longer than the frame
    public void MalformedCommandIsAProtocolError(byte[] body)
    {
        Assert.Throws<ProtocolException>(() => Command.Parse(body, out _));
    }

    [Fact]
    public void ErrorBodyCarriesItsReason()
    {
        byte[] expected = [5, .. "ERROR"u8, 19, .. "Invalid socket type"u8];
        var body = Command.BuildError("Invalid socket type");
        Assert.Equal(expected, body);
        Assert.Equal(Command.Error, Command.Parse(body, out var data));
        Assert.Equal(19, data[0]);
        Assert.Equal("Invalid socket type", Encoding.ASCII.GetString(data[1..]));
    }

    [Fact]
    public void ErrorWithEmptyReason()
    {
        Assert.Equal([5, .. "ERROR"u8, 0], Command.BuildError(""));
    }

    [Fact]
    public void ErrorReasonIsCutAt255Bytes()
    {
        var body = Command.BuildError(new string('x', 400));
        Assert.Equal(1 + 5 + 1 + 255, body.Length);
        Command.Parse(body, out var data);
        Assert.Equal(255, data[0]);
        Assert.Equal(255, data.Length - 1);
    }

    [Fact]
    public void PingCarriesTtlBigEndianInDecisecondsThenContext()
    {
        var body = Command.BuildPing(0x1234, "ctx"u8);
        Assert.Equal([4, .. "PING"u8, 0x12, 0x34, .. "ctx"u8], body);
    }

    [Fact]
    public void PingWithMaximumTtlAndNoContext()
    {
        // 6553.5 s, the most a 16-bit deciseconds TTL can say.
        Assert.Equal([4, .. "PING"u8, 0xFF, 0xFF], Command.BuildPing(ushort.MaxValue, default));
        Assert.Equal([4, .. "PING"u8, 0x00, 0x00], Command.BuildPing(0, default));
    }

    [Fact]
    public void PongEchoesThePingContext()
    {
        var ping = Command.BuildPing(30, "0123456789abcdef"u8);
        Assert.Equal(Command.Ping, Command.Parse(ping, out var pingData));
        var pong = Command.BuildPong(pingData);
        Assert.Equal([4, .. "PONG"u8, .. "0123456789abcdef"u8], pong);
        Assert.Equal(Command.Pong, Command.Parse(pong, out var pongData));
        Assert.Equal("0123456789abcdef"u8.ToArray(), pongData.ToArray());
    }

    [Fact]
    public void PongToAPingWithoutContextIsEmpty()
    {
        var ping = Command.BuildPing(10, default);
        Command.Parse(ping, out var pingData);
        Assert.Equal([4, .. "PONG"u8], Command.BuildPong(pingData));
    }

    [Fact]
    public void PongContextIsCappedAt16Bytes()
    {
        // RFC 37: the echoed context MUST NOT exceed 16 octets, even when a peer's PING carried more.
        byte[] pingData = [0x00, 0x01, .. "0123456789abcdefXYZ"u8];
        var pong = Command.BuildPong(pingData);
        Assert.Equal([4, .. "PONG"u8, .. "0123456789abcdef"u8], pong);
    }

    [Fact]
    public void PongToAPingWithoutATtlIsEmpty()
    {
        // A malformed PING (data shorter than its TTL) has no context to echo.
        Assert.Equal([4, .. "PONG"u8], Command.BuildPong([0x01]));
        Assert.Equal([4, .. "PONG"u8], Command.BuildPong(default));
    }

    [Fact]
    public void PingNeverCarriesMoreThan16ContextBytes()
    {
        // RFC 37: ping-context = 0*16OCTET. Longer input must be cut (as BuildPong does) or refused, never sent.
        byte[] context = [.. "0123456789abcdefXYZ"u8];
        byte[] body;
        try
        {
            body = Command.BuildPing(10, context);
        }
        catch (ArgumentException)
        {
            return;
        }
        Assert.True(body.Length <= 1 + 4 + 2 + 16, $"PING body of {body.Length} bytes carries {body.Length - 7} context bytes");
    }
}
