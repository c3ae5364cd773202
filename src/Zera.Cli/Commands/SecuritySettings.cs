using System.Text;

namespace Zera.Cli.Commands;

/// <summary>What the security options (<see cref="SecurityOptions"/>) said: applied to a socket before it binds or
/// connects, with a ZAP handler beside it when the allow lists ask for one.</summary>
public sealed record SecuritySettings
{
    /// <summary>No security options: the NULL mechanism, no ZAP handler.</summary>
    public static SecuritySettings None { get; } = new();

    /// <summary>--curve-server.</summary>
    public bool CurveServer { get; init; }

    /// <summary>--curve-secret-key (Z85), or null.</summary>
    public string? CurveSecretKey { get; init; }

    /// <summary>--curve-server-key (Z85), or null.</summary>
    public string? CurveServerKey { get; init; }

    /// <summary>--plain-server.</summary>
    public bool PlainServer { get; init; }

    /// <summary>--plain-username, or null.</summary>
    public string? PlainUsername { get; init; }

    /// <summary>--plain-password, or null.</summary>
    public string? PlainPassword { get; init; }

    /// <summary>--zap-allow-user, split at the first colon.</summary>
    public IReadOnlyList<(string User, string Password)> ZapUsers { get; init; } = [];

    /// <summary>--zap-allow-key (Z85).</summary>
    public IReadOnlyList<string> ZapKeys { get; init; } = [];

    /// <summary>--zap-allow-ip.</summary>
    public IReadOnlyList<string> ZapIps { get; init; } = [];

    /// <summary>True when any CURVE option was given.</summary>
    public bool Curve => CurveServer || CurveServerKey != null || CurveSecretKey != null;

    /// <summary>True when any PLAIN option was given.</summary>
    public bool Plain => PlainServer || PlainUsername != null || PlainPassword != null;

    /// <summary>True when a ZAP handler must run in the socket's context.</summary>
    public bool NeedsAuthenticator => ZapUsers.Count > 0 || ZapKeys.Count > 0 || ZapIps.Count > 0;

    /// <summary>Throws <see cref="CliException"/> (a usage error) for options that contradict each other, a missing
    /// companion option or a malformed key.</summary>
    public void Validate()
    {
        if (Curve && Plain) throw new CliException("CURVE and PLAIN options cannot be mixed: a socket has one mechanism");
        if (CurveServer && CurveServerKey != null)
            throw new CliException("--curve-server and --curve-server-key: a socket is either the CURVE server or its client");
        if (CurveServer && CurveSecretKey == null) throw new CliException("--curve-server needs --curve-secret-key");
        if (!CurveServer && CurveSecretKey != null && CurveServerKey == null)
            throw new CliException("--curve-secret-key needs --curve-server or --curve-server-key");
        CheckKey("--curve-secret-key", CurveSecretKey);
        CheckKey("--curve-server-key", CurveServerKey);
        foreach (string key in ZapKeys) CheckKey("--zap-allow-key", key);
        if (PlainServer && (PlainUsername != null || PlainPassword != null))
            throw new CliException("--plain-server and --plain-username/--plain-password: a socket is either the PLAIN server or its client");
        if ((PlainUsername == null) != (PlainPassword == null))
            throw new CliException(PlainUsername == null ? "--plain-password needs --plain-username" : "--plain-username needs --plain-password");
        CheckCredential("--plain-username", PlainUsername);
        CheckCredential("--plain-password", PlainPassword);
        if (ZapUsers.Count > 0 && !PlainServer) throw new CliException("--zap-allow-user needs --plain-server");
        if (PlainServer && ZapUsers.Count == 0)
            throw new CliException("--plain-server needs --zap-allow-user (a PLAIN server with no users refuses every client)");
        if (ZapKeys.Count > 0 && !CurveServer) throw new CliException("--zap-allow-key needs --curve-server");
        if (ZapIps.Count > 0 && !(CurveServer || PlainServer))
            throw new CliException("--zap-allow-ip needs --curve-server or --plain-server");
        foreach (string ip in ZapIps)
        {
            if (!System.Net.IPAddress.TryParse(ip, out _)) throw new CliException($"--zap-allow-ip '{ip}': not an IP address");
        }
    }

    /// <summary>Sets the socket's mechanism options; call before it binds or connects.</summary>
    public void Apply(ZeraSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (CurveServer)
        {
            socket.CurveServer = true;
            socket.CurveSecretKeyZ85 = CurveSecretKey!;
            socket.CurvePublicKeyZ85 = Zera.Curve.DerivePublicKey(CurveSecretKey!);
        }
        else if (CurveServerKey != null)
        {
            var pair = CurveSecretKey != null
                ? new CurveKeyPair(Zera.Curve.DerivePublicKey(CurveSecretKey), CurveSecretKey)
                : Zera.Curve.GenerateKeyPair();
            socket.CurvePublicKeyZ85 = pair.PublicKey;
            socket.CurveSecretKeyZ85 = pair.SecretKey;
            socket.CurveServerKeyZ85 = CurveServerKey;
        }
        else if (PlainServer)
        {
            socket.PlainServer = true;
        }
        else if (PlainUsername != null)
        {
            socket.PlainUsername = PlainUsername;
            socket.PlainPassword = PlainPassword;
        }
    }

    /// <summary>Starts the ZAP handler the allow lists describe in <paramref name="context"/> (before its socket
    /// binds or connects), or returns null when none is needed: then a CURVE server accepts every client key, as
    /// libzmq does with no handler.</summary>
    public ZapAuthenticator? StartAuthenticator(Context context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!NeedsAuthenticator) return null;
        var auth = new ZapAuthenticator(context);
        foreach (string ip in ZapIps) auth.Allow(ip);
        foreach (var (user, password) in ZapUsers) auth.AddPlainUser(user, password);
        if (CurveServer)
        {
            if (ZapKeys.Count == 0) auth.AllowAnyCurveKey();
            foreach (string key in ZapKeys) auth.AllowCurveKey(key);
        }
        return auth;
    }

    private static void CheckKey(string option, string? key)
    {
        if (key == null || Zera.Curve.IsValidKey(key)) return;
        // A secret key, even a mistyped one, is not echoed.
        string shown = option == "--curve-secret-key" ? "" : $" '{key}'";
        throw new CliException($"{option}{shown}: not a CURVE key (40 Z85 characters)");
    }

    private static void CheckCredential(string option, string? value)
    {
        if (value == null) return;
        int bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes is < 1 or > 255) throw new CliException($"{option}: must be 1 to 255 bytes of UTF-8 (was {bytes})");
    }
}
