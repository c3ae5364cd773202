using System.Net;
using System.Text;
using Zera.Core;
using Zera.Protocol;
using Zera.Protocol.Mechanisms;

namespace Zera.Transports;

/// <summary>
/// Security for one connection: the mechanism the socket's options choose, the ZAP exchange a server mechanism asks
/// for (the receive loop awaits the handler's answer before it reads on, so nothing blocks and the peer's next
/// bytes wait in the kernel), and the peer's metadata that its messages carry.
/// </summary>
internal sealed partial class StreamEngine
{
    // The ZAP exchange in flight, if any: set by the receive loop, cancelled by a close from any thread.
    private volatile ZapClient? _zap;
    private string? _peerAddress;

    /// <summary>The mechanism for a new connection, from the options as they were when it started.</summary>
    private static IMechanism CreateMechanism(ZmtpSettings s, SocketOptions o)
    {
        (string Name, byte[] Value)[] properties = SocketTypes.SendsIdentity(s.SocketType)
            ? [("Socket-Type", SocketTypeName(s.SocketType)), ("Identity", s.RoutingId)]
            : [("Socket-Type", SocketTypeName(s.SocketType))];
        return o.Mechanism switch
        {
            SecurityMechanism.Plain when o.AsServer => new PlainServerMechanism(properties),
            SecurityMechanism.Plain => new PlainClientMechanism(o.PlainUsername, o.PlainPassword, properties),
            // A key still missing here (the options changed after bind or connect checked them) is all zeros, as in
            // libzmq: the handshake then fails, and the connection with it, not the process.
            SecurityMechanism.Curve when o.AsServer => new CurveServerMechanism(o.CurvePublicKey ?? s_zeroKey, o.CurveSecretKey ?? s_zeroKey, properties),
            SecurityMechanism.Curve => new CurveClientMechanism(o.CurveServerKey ?? s_zeroKey, o.CurvePublicKey ?? s_zeroKey,
                o.CurveSecretKey ?? s_zeroKey, properties),
            // libzmq asks the ZAP handler about NULL peers only when a ZAP domain is set.
            _ => new NullMechanism(o.ZapDomain.Length > 0, properties),
        };
    }

    private static readonly byte[] s_zeroKey = new byte[32];

    private static byte[] SocketTypeName(SocketType type) => Encoding.ASCII.GetBytes(SocketTypes.Name(type));

    /// <summary>
    /// The mechanism waits for the ZAP handler: ask it, wait for the answer without holding a thread, and hand the
    /// answer to the connection. Without a handler, libzmq's rules: PLAIN, and any mechanism under
    /// ZAP_ENFORCE_DOMAIN, fail the handshake (HANDSHAKE_FAILED_NO_DETAIL, EFAULT); NULL and CURVE accept the peer.
    /// False when the receive loop must end.
    /// </summary>
    private async ValueTask<bool> AuthenticateAsync()
    {
        var request = _zmtp.PendingZapRequest!;
        string id = ZapClient.NextRequestId();
        var frames = ZapMessages.BuildRequest(request, id, _options.ZapDomain, PeerAddress, _options.RoutingId);
        var client = ZapClient.Start(_session.Inproc, frames, id);
        ZapReply reply;
        if (client == null)
        {
            if (request.Mechanism == "PLAIN" || _options.ZapEnforceDomain)
            {
                _zmtp.Close(ConnectionEnd.NoZapHandler,
                    $"the {request.Mechanism} mechanism needs a ZAP handler and none is bound at inproc://{ZapClient.HandlerName}", Errno.Fault);
                return false;
            }
            reply = ZapReply.Accept;
        }
        else
        {
            _zap = client;
            if (_stopping) client.Cancel(); // a close that came before _zap was visible to it
            var outcome = await client.Completion.ConfigureAwait(false);
            _zap = null;
            if (_stopping) return false;
            if (outcome.Reply == null)
            {
                if (outcome.Code == 0) _zmtp.Close(ConnectionEnd.NoZapHandler, outcome.Error, Errno.Fault);
                else _zmtp.Close(ConnectionEnd.Refused, "invalid ZAP reply: " + outcome.Error, outcome.Code);
                return false;
            }
            reply = outcome.Reply;
        }
        var e = _zmtp.OnZapReply(reply, client != null, Environment.TickCount64);
        if (_zmtp.HasOutput) _sendSignal.Set(); // WELCOME, READY or ERROR
        return e switch
        {
            ZmtpEvent.HandshakeDone => await HandleAsync(e, default).ConfigureAwait(false),
            ZmtpEvent.Ended => false,
            _ => true,
        };
    }

    /// <summary>The peer's address as libzmq gives it to the ZAP handler and as Peer-Address: the IP address in
    /// text for tcp; for ipc, ":uid:gid:pid" of the peer process where the OS tells it (Linux), else "".</summary>
    private string PeerAddress => _peerAddress ??= FindPeerAddress();

    private string FindPeerAddress()
    {
        try
        {
            switch (_socket.RemoteEndPoint)
            {
                case IPEndPoint ip:
                    return ip.Address.ToString();
                case System.Net.Sockets.UnixDomainSocketEndPoint when OperatingSystem.IsLinux():
                    // SO_PEERCRED (SOL_SOCKET 1, option 17): struct ucred { pid, uid, gid }.
                    Span<byte> cred = stackalloc byte[12];
                    if (_socket.GetRawSocketOption(1, 17, cred) < 12) return "";
                    int pid = BitConverter.ToInt32(cred), uid = BitConverter.ToInt32(cred[4..]), gid = BitConverter.ToInt32(cred[8..]);
                    return FormattableString.Invariant($":{uid}:{gid}:{pid}");
                default:
                    return "";
            }
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException or PlatformNotSupportedException)
        {
            return "";
        }
    }

    /// <summary>What the peer's messages carry (zmq_msg_gets): its handshake metadata (Socket-Type, Identity and
    /// whatever else it announced), the ZAP handler's metadata, User-Id when a handler answered, Peer-Address.</summary>
    private Dictionary<string, byte[]> PeerMetadata()
    {
        var metadata = new Dictionary<string, byte[]>(_zmtp.PeerProperties, StringComparer.OrdinalIgnoreCase);
        if (_zmtp.ZapMetadata is { } zap)
        {
            foreach (var (name, value) in zap) metadata[name] = value;
        }
        if (_zmtp.ZapAnswered) metadata["User-Id"] = Encoding.UTF8.GetBytes(_zmtp.UserId);
        var address = PeerAddress;
        if (address.Length > 0) metadata["Peer-Address"] = Encoding.UTF8.GetBytes(address);
        return metadata;
    }
}
