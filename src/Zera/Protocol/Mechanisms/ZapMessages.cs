using System.Text;

namespace Zera.Protocol.Mechanisms;

/// <summary>
/// The ZAP request and reply as frames (RFC 27), sans-I/O. Both start with the empty delimiter frame a REQ socket
/// would add, so the handler may be a REP or a ROUTER socket; the rest is the version "1.0", the request id, then
/// (request) domain, address, routing id, mechanism, credentials, or (reply) status code, status text, user id and
/// metadata.
/// </summary>
internal static class ZapMessages
{
    /// <summary>The only ZAP version.</summary>
    public const string Version = "1.0";

    /// <summary>The frames of a request, delimiter first.</summary>
    public static byte[][] BuildRequest(ZapRequest request, string requestId, string domain, string address, byte[] routingId)
    {
        var frames = new byte[7 + request.Credentials.Length][];
        frames[0] = [];
        frames[1] = Encoding.ASCII.GetBytes(Version);
        frames[2] = Encoding.UTF8.GetBytes(requestId);
        frames[3] = Encoding.UTF8.GetBytes(domain);
        frames[4] = Encoding.UTF8.GetBytes(address);
        frames[5] = routingId;
        frames[6] = Encoding.ASCII.GetBytes(request.Mechanism);
        request.Credentials.CopyTo(frames, 7);
        return frames;
    }

    /// <summary>Reads a reply (delimiter first) to the request <paramref name="requestId"/>, checking it as libzmq
    /// does: null with libzmq's ZMQ_PROTOCOL_ERROR_ZAP_* value in <paramref name="errorCode"/> and words in
    /// <paramref name="error"/> when it is not a valid answer.</summary>
    public static ZapReply? ParseReply(IReadOnlyList<byte[]> frames, string requestId, out int errorCode, out string error)
    {
        errorCode = 0;
        error = "";
        if (frames.Count != 7)
            return Invalid(ProtocolError.ZapMalformedReply, $"a ZAP reply has 7 frames, this one {frames.Count}", out errorCode, out error);
        if (frames[0].Length != 0)
            return Invalid(ProtocolError.ZapUnspecified, "the ZAP reply does not start with an empty delimiter frame", out errorCode, out error);
        if (!frames[1].AsSpan().SequenceEqual("1.0"u8))
            return Invalid(ProtocolError.ZapBadVersion, "the ZAP reply's version is not 1.0", out errorCode, out error);
        if (!frames[2].AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(requestId)))
            return Invalid(ProtocolError.ZapBadRequestId, "the ZAP reply answers another request", out errorCode, out error);
        var status = frames[3];
        if (status.Length != 3 || status[0] is < (byte)'2' or > (byte)'5' || status[1] != '0' || status[2] != '0')
            return Invalid(ProtocolError.ZapInvalidStatusCode, "the ZAP reply's status code is not 200, 300, 400 or 500", out errorCode, out error);
        if (!Command.TryParseProperties(frames[6], out var metadata))
            return Invalid(ProtocolError.ZapInvalidMetadata, "the ZAP reply's metadata does not parse", out errorCode, out error);
        return new ZapReply(Encoding.ASCII.GetString(status), Encoding.UTF8.GetString(frames[4]), Encoding.UTF8.GetString(frames[5]), metadata);
    }

    private static ZapReply? Invalid(int code, string words, out int errorCode, out string error)
    {
        errorCode = code;
        error = words;
        return null;
    }
}
