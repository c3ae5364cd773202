using System.CommandLine;

namespace Zera.Cli.Bench;

/// <summary>
/// CURVE in a benchmark (<c>--curve</c>): the measuring side, which binds, is the CURVE server; the side that connects
/// is a client with an ephemeral key pair (made for each socket, as <c>zmq_curve_keypair</c> in bench/curve/curve.c).
/// A peer process is given the server's public key with <c>--curve-server-key</c>.
/// </summary>
public sealed record BenchCurve
{
    /// <summary>The server's public key (Z85).</summary>
    public required string ServerPublicKey { get; init; }

    /// <summary>The server's secret key (Z85); null on the client side.</summary>
    public string? ServerSecretKey { get; init; }

    /// <summary>The client's own secret key (Z85); null for an ephemeral key pair.</summary>
    public string? ClientSecretKey { get; init; }

    /// <summary>The RESULT line's mechanism field for <paramref name="curve"/> (null: NULL security).</summary>
    public static string Label(BenchCurve? curve) => curve == null ? "NULL" : "CURVE";

    /// <summary>--curve.</summary>
    public static Option<bool> CurveOption(string description) => new("--curve") { Description = description };

    /// <summary>--curve-server-key, for a peer that connects on its own (a role).</summary>
    public static Option<string?> ServerKeyOption(string description) => new("--curve-server-key")
    {
        Description = description,
        HelpName = "Z85",
    };

    /// <summary>--curve-secret-key: this side's own secret key.</summary>
    public static Option<string?> SecretKeyOption(string description) => new("--curve-secret-key")
    {
        Description = description,
        HelpName = "Z85",
    };

    /// <summary>
    /// What the options say: null without any of them; for the connecting <paramref name="clientRole"/>, a client of
    /// <paramref name="serverKey"/> (required); otherwise the server, with <paramref name="secretKey"/> or a new key
    /// pair (whose public key a solo server prints on <paramref name="stderr"/>, for the peer to be given it).
    /// </summary>
    public static BenchCurve? Resolve(bool curve, string? serverKey, string? secretKey, string transport, bool clientRole,
        bool solo, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        if (!curve && serverKey == null && secretKey == null) return null;
        if (transport == "inproc") throw new CliException("bench: --curve needs tcp or ipc (inproc connections have no security mechanism)");
        CheckKey("--curve-server-key", serverKey, serverKey);
        CheckKey("--curve-secret-key", secretKey, null);
        if (clientRole)
        {
            if (serverKey == null) throw new CliException("bench: the connecting role with --curve needs --curve-server-key (the measuring side's public key)");
            return new BenchCurve { ServerPublicKey = serverKey, ClientSecretKey = secretKey };
        }
        if (serverKey != null)
            throw new CliException("bench: --curve-server-key is for the connecting role; the measuring side is the CURVE server (give it --curve-secret-key)");
        if (secretKey == null)
        {
            var pair = Curve.GenerateKeyPair();
            if (solo) stderr.WriteLine($"zera: CURVE server public key {pair.PublicKey}");
            return new BenchCurve { ServerPublicKey = pair.PublicKey, ServerSecretKey = pair.SecretKey };
        }
        return new BenchCurve { ServerPublicKey = Curve.DerivePublicKey(secretKey), ServerSecretKey = secretKey };
    }

    /// <summary>Makes <paramref name="socket"/> the CURVE server (before it binds).</summary>
    public void ApplyServer(ZeraSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (ServerSecretKey == null) throw new InvalidOperationException("the client side of a benchmark has no server secret key");
        socket.CurveServer = true;
        socket.CurvePublicKeyZ85 = ServerPublicKey;
        socket.CurveSecretKeyZ85 = ServerSecretKey;
    }

    /// <summary>Makes <paramref name="socket"/> a CURVE client of the server (before it connects), with this
    /// side's secret key or a new key pair.</summary>
    public void ApplyClient(ZeraSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var pair = ClientSecretKey != null
            ? new CurveKeyPair(Curve.DerivePublicKey(ClientSecretKey), ClientSecretKey)
            : Curve.GenerateKeyPair();
        socket.CurvePublicKeyZ85 = pair.PublicKey;
        socket.CurveSecretKeyZ85 = pair.SecretKey;
        socket.CurveServerKeyZ85 = ServerPublicKey;
    }

    private static void CheckKey(string option, string? key, string? shown)
    {
        if (key != null && !Curve.IsValidKey(key))
            throw new CliException($"{option}{(shown == null ? "" : $" '{shown}'")}: not a CURVE key (40 Z85 characters)");
    }
}
