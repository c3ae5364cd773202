using System.Globalization;

namespace Zera.Transports;

internal enum TransportKind
{
    Tcp,
    Ipc,
    Inproc,
}

/// <summary>A parsed endpoint: <c>tcp://host:port</c>, <c>ipc://path</c> (or <c>@abstract</c>), <c>inproc://name</c>.
/// Port 0 means "ephemeral" (written <c>*</c> or <c>0</c>).</summary>
internal sealed record Endpoint(TransportKind Transport, string Address, int Port, string Text)
{
    public override string ToString() => Text;

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowBad(string paramName, string message) => throw new ArgumentException(message, paramName);

    /// <summary>Parses and validates; an <see cref="ArgumentException"/> names <paramref name="paramName"/> and says
    /// what is wrong (an unknown transport is ZeroMQ's EPROTONOSUPPORT instead).</summary>
    public static Endpoint Parse(string? text, string paramName)
    {
        if (string.IsNullOrEmpty(text)) ThrowBad(paramName, "an endpoint is required (e.g. tcp://127.0.0.1:5555)");
        int sep = text.IndexOf("://", StringComparison.Ordinal);
        if (sep <= 0)
            ThrowBad(paramName, $"'{text}' is not an endpoint: expected transport://address, e.g. tcp://127.0.0.1:5555, ipc:///tmp/feed or inproc://name");
        string transport = text[..sep];
        string address = text[(sep + 3)..];
        switch (transport)
        {
            case "tcp":
                return ParseTcp(text, address, paramName);
            case "ipc":
                if (address.Length == 0) ThrowBad(paramName, $"'{text}': the ipc path is missing");
                if (address == "@") ThrowBad(paramName, $"'{text}': the abstract ipc name is missing after '@'");
                if (System.Text.Encoding.UTF8.GetByteCount(address) > 107)
                    ThrowBad(paramName, $"'{text}': the ipc path is longer than the 107 bytes a Unix domain socket allows");
                return new Endpoint(TransportKind.Ipc, address, 0, text);
            case "inproc":
                if (address.Length == 0) ThrowBad(paramName, $"'{text}': the inproc name is missing");
                return new Endpoint(TransportKind.Inproc, address, 0, text);
            case "pgm" or "epgm" or "udp" or "ws" or "wss" or "tipc" or "vmci" or "norm":
                throw new ZeraException(ErrorKind.ProtocolNotSupported, $"{paramName}: '{text}': the {transport} transport is not supported yet (tcp, ipc and inproc are)", paramName);
            default:
                throw new ZeraException(ErrorKind.ProtocolNotSupported, $"{paramName}: '{text}': unknown transport '{transport}' (tcp, ipc and inproc are supported)", paramName);
        }
    }

    private static Endpoint ParseTcp(string text, string address, string paramName)
    {
        int colon = address.LastIndexOf(':');
        int bracket = address.LastIndexOf(']');
        if (colon < 0 || colon < bracket)
            ThrowBad(paramName, $"'{text}': the port is missing (expected tcp://host:port)");
        string host = address[..colon];
        string portText = address[(colon + 1)..];
        if (host.Length == 0) ThrowBad(paramName, $"'{text}': the host is missing (use * to bind every interface)");
        if (host.StartsWith('[') || host.EndsWith(']'))
        {
            if (!host.StartsWith('[') || !host.EndsWith(']') || host.Length < 2)
                ThrowBad(paramName, $"'{text}': unbalanced brackets around an IPv6 address");
            host = host[1..^1];
            if (host.Length == 0) ThrowBad(paramName, $"'{text}': the host is missing between the brackets");
        }
        int port;
        if (portText == "*") port = 0;
        else if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
            ThrowBad(paramName, $"'{text}': '{portText}' is not a port number (0 to 65535, or *)");
        return new Endpoint(TransportKind.Tcp, host, port, text);
    }
}

/// <summary>Something a socket's endpoint owns: a listener, a connection, an inproc binding.</summary>
internal interface IEndpointHandle
{
    /// <summary>True for what <c>Bind</c> made, false for what <c>Connect</c> made.</summary>
    bool IsBound { get; }

    /// <summary>Stops it; connections keep sending queued messages for up to <paramref name="linger"/> ms.</summary>
    void Close(int linger);
}
