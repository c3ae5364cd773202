using System.CommandLine;

namespace Zera.Cli.Commands;

/// <summary><c>zera keygen</c>: a new CURVE key pair (zmq_curve_keypair), optionally saved as czmq certificates.</summary>
public static class KeygenCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var cert = new Option<string?>("--cert")
        {
            Description = "Also write the pair as czmq certificate files: FILE (public key only, to give to peers) and " +
                          "FILE_secret (both keys; keep it private).",
            HelpName = "FILE",
        };
        var command = new Command("keygen",
            "Print a new CURVE key pair as two lines, 'public <40 Z85 chars>' then 'secret <40 Z85 chars>'. A server " +
            "runs with --curve-server --curve-secret-key SECRET; its clients use --curve-server-key PUBLIC.")
        {
            cert,
        };
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var pair = Curve.GenerateKeyPair();
            if (result.GetValue(cert) is { } file)
            {
                try
                {
                    new CurveCertificate(pair.PublicKey, pair.SecretKey).Save(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new CliException($"--cert '{file}': {e.Message}", ExitCodes.Failure);
                }
            }
            output.WriteLine($"public {pair.PublicKey}");
            output.WriteLine($"secret {pair.SecretKey}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
