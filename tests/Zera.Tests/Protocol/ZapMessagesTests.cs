using System.Text;
using Zera.Protocol;
using Zera.Protocol.Mechanisms;

namespace Zera.Tests.Protocol;

/// <summary>ZAP requests and replies as frames (RFC 27), and the checks libzmq makes of a reply.</summary>
public class ZapMessagesTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void RequestFramesInRfcOrder()
    {
        var frames = ZapMessages.BuildRequest(new ZapRequest("PLAIN", [B("u"), B("p")]), "7", "dom", "10.0.0.1", B("id"));
        Assert.Equal([[], B("1.0"), B("7"), B("dom"), B("10.0.0.1"), B("id"), B("PLAIN"), B("u"), B("p")], frames);
    }

    [Fact]
    public void AValidReply()
    {
        byte[] metadata = [1, (byte)'X', 0, 0, 0, 1, (byte)'y'];
        var reply = ZapMessages.ParseReply([[], B("1.0"), B("7"), B("200"), B("OK"), B("user"), metadata], "7", out int code, out _);
        Assert.NotNull(reply);
        Assert.Equal(0, code);
        Assert.True(reply.Accepted);
        Assert.Equal("user", reply.UserId);
        Assert.Equal(B("y"), reply.Metadata["x"]);
    }

    public static TheoryData<byte[][], int> BadReplies => new()
    {
        { [[], [.. "1.0"u8], [.. "7"u8], [.. "200"u8], [], []], ProtocolError.ZapMalformedReply },
        { [[], [.. "1.0"u8], [.. "7"u8], [.. "200"u8], [], [], [], []], ProtocolError.ZapMalformedReply },
        { [[1], [.. "1.0"u8], [.. "7"u8], [.. "200"u8], [], [], []], ProtocolError.ZapUnspecified },
        { [[], [.. "1.1"u8], [.. "7"u8], [.. "200"u8], [], [], []], ProtocolError.ZapBadVersion },
        { [[], [.. "1.0"u8], [.. "8"u8], [.. "200"u8], [], [], []], ProtocolError.ZapBadRequestId },
        { [[], [.. "1.0"u8], [.. "7"u8], [.. "600"u8], [], [], []], ProtocolError.ZapInvalidStatusCode },
        { [[], [.. "1.0"u8], [.. "7"u8], [.. "20"u8], [], [], []], ProtocolError.ZapInvalidStatusCode },
        { [[], [.. "1.0"u8], [.. "7"u8], [.. "200"u8], [], [], [3, 1]], ProtocolError.ZapInvalidMetadata },
    };

    [Theory]
    [MemberData(nameof(BadReplies))]
    public void BadRepliesGetLibzmqsValue(byte[][] frames, int expected)
    {
        Assert.Null(ZapMessages.ParseReply(frames, "7", out int code, out string error));
        Assert.Equal(expected, code);
        Assert.NotEmpty(error);
    }
}
