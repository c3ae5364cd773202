using System.Text;
using Zera.Transports;

namespace Zera.Fuzz.Targets;

/// <summary>
/// <c>endpoint</c>: <see cref="Endpoint.Parse"/>, the parser behind Bind, Connect, Unbind and Disconnect, on arbitrary
/// text. Config bit 0: the rest of the input as UTF-8 (invalid sequences become U+FFFD) or as Latin-1; bit 1 prefixes
/// <c>tcp://</c>, bit 2 <c>ipc://</c> (both: <c>inproc://</c>) so that mutations spend their time past the scheme.
/// The only exceptions allowed are the documented ones: an <see cref="ArgumentException"/> (exactly that type) naming
/// the parameter, or a <see cref="ZeraException"/> of kind <see cref="ErrorKind.ProtocolNotSupported"/> for a transport
/// Zera lacks. A parsed endpoint must keep the text, name the transport the text starts with, have a port in 0-65535
/// (only tcp has one), a non-empty address, and parse again to the same endpoint.
/// </summary>
internal sealed class EndpointTarget : FuzzTarget
{
    private const string ParamName = "endpoint";

    public override string Name => "endpoint";

    public override string Description => "Endpoint.Parse on arbitrary text: an endpoint, an ArgumentException or ProtocolNotSupported";

    public override void Run(ReadOnlySpan<byte> input)
    {
        byte config = input.IsEmpty ? (byte)0 : input[0];
        var rest = input.IsEmpty ? default : input[1..];
        string body = (config & 1) == 0 ? Encoding.UTF8.GetString(rest) : Encoding.Latin1.GetString(rest);
        string prefix = ((config >> 1) & 3) switch { 1 => "tcp://", 2 => "ipc://", 3 => "inproc://", _ => "" };
        string text = prefix + body;

        Endpoint endpoint;
        try
        {
            endpoint = Endpoint.Parse(text, ParamName);
        }
        catch (ArgumentException e) when (e.GetType() == typeof(ArgumentException))
        {
            if (e.ParamName != ParamName) throw new FuzzInvariantException($"ArgumentException names '{e.ParamName}', not '{ParamName}'");
            return;
        }
        catch (ZeraException e)
        {
            if (e.Kind != ErrorKind.ProtocolNotSupported) throw new FuzzInvariantException($"ZeraException of kind {e.Kind}");
            return;
        }

        if (endpoint.Text != text || endpoint.ToString() != text) throw new FuzzInvariantException("the endpoint does not keep its text");
        string scheme = endpoint.Transport switch
        {
            TransportKind.Tcp => "tcp://",
            TransportKind.Ipc => "ipc://",
            _ => "inproc://",
        };
        if (!text.StartsWith(scheme, StringComparison.Ordinal)) throw new FuzzInvariantException($"{endpoint.Transport} parsed from '{text}'");
        if (endpoint.Address.Length == 0) throw new FuzzInvariantException("an empty address");
        if (endpoint.Port is < 0 or > 65535) throw new FuzzInvariantException($"port {endpoint.Port}");
        if (endpoint.Transport != TransportKind.Tcp && endpoint.Port != 0) throw new FuzzInvariantException("a port outside tcp");
        if (endpoint.Transport != TransportKind.Tcp && endpoint.Address != text[scheme.Length..]) throw new FuzzInvariantException("the address is not the text after the scheme");
        if (Endpoint.Parse(text, ParamName) != endpoint) throw new FuzzInvariantException("parsing again gives another endpoint");
    }

    public override IEnumerable<byte[]> Seeds()
    {
        foreach (var text in new[]
        {
            "tcp://127.0.0.1:5555", "tcp://*:*", "tcp://[::1]:0", "tcp://[fe80::1%eth0]:65535", "tcp://host:65536", "tcp://:1",
            "tcp://[]:1", "tcp://[::1:1", "tcp://a:-1", "ipc:///tmp/zera.sock", "ipc://@abstract", "ipc://@", "inproc://name",
            "inproc://", "udp://239.0.0.1:5555", "ws://x", "foo://bar", "://x", "tcp:/x", "",
        })
        {
            yield return [0, .. Encoding.UTF8.GetBytes(text)];
        }
        yield return [2, .. "eth0;192.168.1.1:5555"u8];   // libzmq's source-address form, behind tcp://
        yield return [3, 0xFF, 0xFE, (byte)':', (byte)'1']; // Latin-1 behind tcp://
        yield return [4, .. new byte[120]];                // an ipc path over 107 bytes
        yield return [6, (byte)'x'];
    }
}
