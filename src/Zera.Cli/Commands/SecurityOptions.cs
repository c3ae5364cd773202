using System.CommandLine;

namespace Zera.Cli.Commands;

/// <summary>
/// The security options every command that opens a socket takes: CURVE or PLAIN, as server or client, and for a
/// server the allow lists of a built-in ZAP handler (<see cref="ZapAuthenticator"/>). Each instance makes new option
/// instances, since an option belongs to one command.
/// </summary>
public sealed class SecurityOptions
{
    private readonly Option<bool> _curveServer = new("--curve-server")
    {
        Description = "Be the CURVE server of the connections (needs --curve-secret-key; the public key derived from " +
                      "it is what clients give as --curve-server-key). Any client key is accepted unless --zap-allow-key is given.",
    };
    private readonly Option<string?> _curveSecretKey = new("--curve-secret-key")
    {
        Description = "This socket's CURVE secret key (40 Z85 characters, as 'zera keygen' prints it); the public key " +
                      "is derived from it. Optional for a client: without it an ephemeral key pair is made.",
        HelpName = "Z85",
    };
    private readonly Option<string?> _curveServerKey = new("--curve-server-key")
    {
        Description = "Be a CURVE client of the server whose public key this is (40 Z85 characters).",
        HelpName = "Z85",
    };
    private readonly Option<bool> _plainServer = new("--plain-server")
    {
        Description = "Be the PLAIN server of the connections (user name and password in clear text, for trusted " +
                      "networks); needs at least one --zap-allow-user, since a PLAIN server refuses everyone otherwise.",
    };
    private readonly Option<string?> _plainUsername = new("--plain-username")
    {
        Description = "Be a PLAIN client with this user name (with --plain-password).",
        HelpName = "U",
    };
    private readonly Option<string?> _plainPassword = new("--plain-password")
    {
        Description = "The PLAIN client's password (with --plain-username).",
        HelpName = "P",
    };
    private readonly Option<string[]> _zapAllowUser = new("--zap-allow-user")
    {
        Description = "PLAIN server: accept this user name and password, written USER:PASSWORD (repeatable).",
        HelpName = "U:P",
    };
    private readonly Option<string[]> _zapAllowKey = new("--zap-allow-key")
    {
        Description = "CURVE server: accept clients with this public key (repeatable; 40 Z85 characters). With none, " +
                      "every client key is accepted, as libzmq does without a ZAP handler.",
        HelpName = "Z85",
    };
    private readonly Option<string[]> _zapAllowIp = new("--zap-allow-ip")
    {
        Description = "PLAIN or CURVE server: accept connections only from this IP address (repeatable); every other " +
                      "address is refused.",
        HelpName = "ADDR",
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_curveServer);
        command.Options.Add(_curveSecretKey);
        command.Options.Add(_curveServerKey);
        command.Options.Add(_plainServer);
        command.Options.Add(_plainUsername);
        command.Options.Add(_plainPassword);
        command.Options.Add(_zapAllowUser);
        command.Options.Add(_zapAllowKey);
        command.Options.Add(_zapAllowIp);
    }

    /// <summary>Reads and checks the options of a parse; a contradiction or a bad key is a usage error
    /// (<see cref="CliException"/>).</summary>
    public SecuritySettings Read(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var settings = new SecuritySettings
        {
            CurveServer = result.GetValue(_curveServer),
            CurveSecretKey = result.GetValue(_curveSecretKey),
            CurveServerKey = result.GetValue(_curveServerKey),
            PlainServer = result.GetValue(_plainServer),
            PlainUsername = result.GetValue(_plainUsername),
            PlainPassword = result.GetValue(_plainPassword),
            ZapUsers = [.. (result.GetValue(_zapAllowUser) ?? []).Select(ParseUser)],
            ZapKeys = result.GetValue(_zapAllowKey) ?? [],
            ZapIps = result.GetValue(_zapAllowIp) ?? [],
        };
        settings.Validate();
        return settings;
    }

    private static (string User, string Password) ParseUser(string text)
    {
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0) throw new CliException($"--zap-allow-user '{text}': expected USER:PASSWORD");
        return (text[..colon], text[(colon + 1)..]);
    }
}
