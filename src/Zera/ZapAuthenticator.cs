using System.Net;
using System.Text;

namespace Zera;

/// <summary>
/// A ready-made ZAP handler (RFC 27), like pyzmq's <c>zmq.auth</c> authenticators: it binds
/// <c>inproc://zeromq.zap.01</c> in a context and answers the authentication requests of every socket of that
/// context whose mechanism asks (a PLAIN or CURVE server, or a NULL socket with a <see cref="ZeraSocket.ZapDomain"/>).
/// </summary>
/// <remarks>
/// <para>Rules, as pyzmq applies them: an address on the <see cref="Allow(string)"/> list passes the address check
/// (when that list is not empty, every other address is refused); otherwise an address on the
/// <see cref="Deny(string)"/> list is refused. Then NULL peers are accepted; PLAIN peers must give a username and
/// password added with <see cref="AddPlainUser"/>; CURVE peers must have a public key allowed with
/// <see cref="AllowCurveKey(string)"/> or <see cref="AllowCurveKeysFrom"/>, or any key after
/// <see cref="AllowAnyCurveKey"/>. An accepted peer's User-Id (which its messages carry, see
/// <see cref="ZeraSocket.LastMessageProperties"/>) is its username for PLAIN, its public key in Z85 for CURVE,
/// "anonymous" for NULL; a refusal is status 400 with the reason in words.</para>
/// <para>Threading: the configuration methods are thread-safe and apply to the requests that come after them. The
/// handler answers on the thread pool (one asynchronous receive loop), never blocking a thread.</para>
/// <para>Lifetime: create it before the sockets it serves connect, and dispose it before its context (disposing
/// the context also stops it). Only one ZAP handler can be bound per context.</para>
/// </remarks>
public sealed class ZapAuthenticator : IDisposable
{
    /// <summary>The endpoint every ZAP handler binds (RFC 27).</summary>
    public const string Endpoint = "inproc://zeromq.zap.01";

    private readonly Lock _lock = new();
    private readonly HashSet<string> _allowed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _denied = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _passwords = new(StringComparer.Ordinal);
    private readonly HashSet<string> _curveKeys = new(StringComparer.Ordinal);
    private bool _anyCurveKey;

    private readonly ZeraSocket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _disposed;

    /// <summary>Binds a ZAP handler at <see cref="Endpoint"/> in <paramref name="context"/> and starts answering.
    /// Throws <see cref="ZeraException"/> with <see cref="ErrorKind.AddressInUse"/> when the context already has
    /// one.</summary>
    public ZapAuthenticator(Context context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _socket = context.CreateSocket(SocketType.Router);
        try
        {
            _socket.Linger = 0;
            _socket.Bind(Endpoint);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Accepts only the listed addresses (every call adds one; an empty list checks nothing), by their text
    /// as the ZAP request gives it: an IP address for tcp (an IPv4 address also matches its IPv4-mapped IPv6 form).
    /// Takes precedence over <see cref="Deny(string)"/>.</summary>
    public void Allow(string address)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        lock (_lock) _allowed.Add(address);
    }

    /// <summary>Accepts only the listed addresses: see <see cref="Allow(string)"/>.</summary>
    public void Allow(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Allow(address.ToString());
    }

    /// <summary>Refuses the listed addresses (unless an allow list exists, which then decides alone).</summary>
    public void Deny(string address)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        lock (_lock) _denied.Add(address);
    }

    /// <summary>Refuses the listed addresses: see <see cref="Deny(string)"/>.</summary>
    public void Deny(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Deny(address.ToString());
    }

    /// <summary>Accepts PLAIN clients that give <paramref name="username"/> and <paramref name="password"/>
    /// (replacing the user's password if it was added before).</summary>
    public void AddPlainUser(string username, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentNullException.ThrowIfNull(password);
        lock (_lock) _passwords[username] = password;
    }

    /// <summary>Accepts CURVE clients whose long-term public key is <paramref name="z85PublicKey"/> (40 characters
    /// of Z85).</summary>
    public void AllowCurveKey(string z85PublicKey)
    {
        var key = SecurityKeys.Parse(nameof(z85PublicKey), z85PublicKey);
        lock (_lock) _curveKeys.Add(SecurityKeys.Format(key));
    }

    /// <summary>Accepts CURVE clients whose long-term public key is <paramref name="publicKey"/> (32 bytes, or the
    /// 40 bytes of its Z85 text).</summary>
    public void AllowCurveKey(byte[] publicKey)
    {
        var key = SecurityKeys.Parse(nameof(publicKey), publicKey);
        lock (_lock) _curveKeys.Add(SecurityKeys.Format(key));
    }

    /// <summary>Accepts CURVE clients whose public keys are in the certificate files (czmq's format, as
    /// <see cref="CurveCertificate.LoadFolder"/> reads them: secret files skipped) of <paramref name="folder"/> and its
    /// subfolders. Returns how many keys it found.</summary>
    public int AllowCurveKeysFrom(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var keys = CurveCertificate.LoadFolder(folder);
        lock (_lock)
        {
            foreach (var key in keys) _curveKeys.Add(SecurityKeys.Format(SecurityKeys.Parse(nameof(folder), key)));
        }
        return keys.Count;
    }

    /// <summary>Accepts every CURVE client, whatever its key (encryption without authentication; the address checks
    /// still apply).</summary>
    public void AllowAnyCurveKey()
    {
        lock (_lock) _anyCurveKey = true;
    }

    /// <summary>Stops answering and unbinds the endpoint; waits for the handler's loop to end. Requests still
    /// unanswered then are left to their handshake's timeout. Safe to call twice.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stop.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // The loop's end is what matters here; it never faults on its own (see RunAsync).
        }
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            while (true)
            {
                var request = await _socket.ReceiveMultipartAsync(_stop.Token).ConfigureAwait(false);
                var reply = Answer(request);
                if (reply != null) _socket.SendMultipart(reply);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ZeraException or ObjectDisposedException)
        {
            // Disposed, or the context is terminating: the socket goes below, so that the context can finish.
        }
        finally
        {
            _socket.Dispose();
        }
    }

    /// <summary>The reply to one request as the ROUTER received it (the peer's routing id, the empty delimiter,
    /// then RFC 27's frames); null when it is too broken to answer.</summary>
    private byte[][]? Answer(List<byte[]> frames)
    {
        // routing id, delimiter, version, request id, domain, address, identity, mechanism, credentials...
        if (frames.Count < 4 || frames[1].Length != 0) return null;
        byte[] requestId = frames[3];
        if (frames.Count < 8) return Reply(frames[0], requestId, "400", "Not enough frames", "");
        if (!frames[2].AsSpan().SequenceEqual("1.0"u8)) return Reply(frames[0], requestId, "400", "Invalid version", "");
        string address = Encoding.UTF8.GetString(frames[5]);
        string mechanism = Encoding.ASCII.GetString(frames[7]);
        var credentials = frames.GetRange(8, frames.Count - 8);
        var (ok, text, userId) = Decide(address, mechanism, credentials);
        return ok ? Reply(frames[0], requestId, "200", "OK", userId) : Reply(frames[0], requestId, "400", text, "");
    }

    private (bool Ok, string Text, string UserId) Decide(string address, string mechanism, List<byte[]> credentials)
    {
        lock (_lock)
        {
            bool allowed = false;
            if (_allowed.Count > 0)
            {
                if (!Listed(_allowed, address)) return (false, "Address not in whitelist", "");
                allowed = true;
            }
            else if (_denied.Count > 0)
            {
                if (Listed(_denied, address)) return (false, "Address is blacklisted", "");
                allowed = true;
            }
            switch (mechanism)
            {
                case "NULL":
                    return (true, "OK", "anonymous");
                case "PLAIN":
                    if (credentials.Count != 2) return (false, "Invalid credentials", "");
                    string username = Encoding.UTF8.GetString(credentials[0]);
                    if (_passwords.Count == 0) return (false, "No passwords defined", "");
                    if (!_passwords.TryGetValue(username, out var password)) return (false, "Invalid username", "");
                    return password == Encoding.UTF8.GetString(credentials[1]) ? (true, "OK", username) : (false, "Invalid password", "");
                case "CURVE":
                    if (credentials.Count != 1 || credentials[0].Length != SecurityKeys.KeySize) return (false, "Invalid credentials", "");
                    string z85 = SecurityKeys.Format(credentials[0]);
                    return _anyCurveKey || _curveKeys.Contains(z85) ? (true, "OK", z85) : (false, "Unknown key", "");
                default:
                    return allowed ? (true, "OK", "anonymous") : (false, "NO ACCESS", "");
            }
        }
    }

    /// <summary>True when <paramref name="address"/> is listed, also as the IPv4 address inside an IPv4-mapped
    /// IPv6 address (what a dual-stack listener reports for an IPv4 peer).</summary>
    private static bool Listed(HashSet<string> list, string address)
    {
        if (list.Contains(address)) return true;
        return IPAddress.TryParse(address, out var ip) && ip.IsIPv4MappedToIPv6 && list.Contains(ip.MapToIPv4().ToString());
    }

    private static byte[][] Reply(byte[] routingId, byte[] requestId, string status, string text, string userId) =>
        [routingId, [], "1.0"u8.ToArray(), requestId, Encoding.ASCII.GetBytes(status), Encoding.UTF8.GetBytes(text), Encoding.UTF8.GetBytes(userId), []];
}
