using System.Text.RegularExpressions;

namespace Zera.IntegrationTests.Cli;

/// <summary><c>zera keygen</c>: a CURVE key pair as two lines, optionally saved as czmq certificate files.</summary>
public sealed partial class CliKeygenTests
{
    [Fact]
    public void Keygen_prints_a_public_line_and_a_secret_line_whose_keys_belong_together()
    {
        var result = CliProcess.Run("keygen");
        Assert.True(result.ExitCode == 0, result.StderrText);
        Assert.Empty(result.Stderr);
        var (publicKey, secretKey) = ParsePair(result.Stdout);
        Assert.Equal(publicKey, Curve.DerivePublicKey(secretKey));
    }

    [Fact]
    public void Two_runs_make_different_keys()
    {
        var first = ParsePair(CliProcess.Run("keygen").Stdout);
        var second = ParsePair(CliProcess.Run("keygen").Stdout);
        Assert.NotEqual(first.SecretKey, second.SecretKey);
    }

    [Fact]
    public void Keygen_cert_writes_a_public_and_a_secret_certificate_that_load()
    {
        string folder = Directory.CreateTempSubdirectory("zera-keygen-").FullName;
        try
        {
            string file = Path.Combine(folder, "server.key");
            var result = CliProcess.Run("keygen", "--cert", file);
            Assert.True(result.ExitCode == 0, result.StderrText);
            var (publicKey, secretKey) = ParsePair(result.Stdout);

            Assert.True(File.Exists(file + CurveCertificate.SecretSuffix));
            var both = CurveCertificate.Load(file); // reads FILE_secret when it exists
            Assert.Equal(publicKey, both.PublicKey);
            Assert.Equal(secretKey, both.SecretKey);
            var publicOnly = CurveCertificate.Parse(File.ReadAllText(file));
            Assert.Equal(publicKey, publicOnly.PublicKey);
            Assert.Null(publicOnly.SecretKey);
            Assert.Equal([publicKey], CurveCertificate.LoadFolder(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Keygen_cert_in_a_missing_folder_fails_with_one_line()
    {
        string file = Path.Combine(Path.GetTempPath(), $"zera-no-such-{Guid.NewGuid():N}", "server.key");
        var result = CliProcess.Run("keygen", "--cert", file);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("--cert", Assert.Single(result.Stderr), StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    /// <summary>The two lines, exactly "public KEY" then "secret KEY", each key 40 characters of Z85.</summary>
    internal static (string PublicKey, string SecretKey) ParsePair(IReadOnlyList<string> stdout)
    {
        Assert.Equal(2, stdout.Count);
        var pub = KeyLine().Match(stdout[0]);
        var sec = KeyLine().Match(stdout[1]);
        Assert.True(pub.Success && pub.Groups[1].Value == "public", stdout[0]);
        Assert.True(sec.Success && sec.Groups[1].Value == "secret", stdout[1]);
        string publicKey = pub.Groups[2].Value, secretKey = sec.Groups[2].Value;
        Assert.True(Curve.IsValidKey(publicKey) && Curve.IsValidKey(secretKey));
        return (publicKey, secretKey);
    }

    [GeneratedRegex("^(public|secret) (.{40})$")]
    private static partial Regex KeyLine();
}
