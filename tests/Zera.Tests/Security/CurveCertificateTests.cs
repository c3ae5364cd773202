namespace Zera.Tests.Security;

/// <summary>CURVE certificates in czmq's zcert format: save and load, czmq's own text, and folders of certificates.</summary>
public sealed class CurveCertificateTests : IDisposable
{
    private const string ServerPublic = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
    private const string ServerSecret = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6";
    private const string ClientPublic = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";

    private readonly string _dir = Directory.CreateTempSubdirectory("zera-certs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SaveWritesBothFilesAndLoadReadsThemBack()
    {
        var certificate = CurveCertificate.Generate();
        certificate.Metadata["name"] = "Zera test";
        certificate.Metadata["email"] = "test@example.com";
        string path = Path.Combine(_dir, "server.cert");
        certificate.Save(path);

        Assert.True(File.Exists(path));
        Assert.True(File.Exists(path + "_secret"));
        Assert.DoesNotContain(certificate.SecretKey!, File.ReadAllText(path));
        Assert.Contains(certificate.SecretKey!, File.ReadAllText(path + "_secret"));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path + "_secret"));

        // As czmq's zcert_load: the secret file is preferred, so both keys come back.
        var loaded = CurveCertificate.Load(path);
        Assert.Equal(certificate.PublicKey, loaded.PublicKey);
        Assert.Equal(certificate.SecretKey, loaded.SecretKey);
        Assert.Equal(["name", "email"], loaded.Metadata.Keys);
        Assert.Equal("Zera test", loaded.Metadata["name"]);

        // Without the secret file, the public certificate alone.
        File.Delete(path + "_secret");
        var publicOnly = CurveCertificate.Load(path);
        Assert.Equal(certificate.PublicKey, publicOnly.PublicKey);
        Assert.Null(publicOnly.SecretKey);
        Assert.Equal("test@example.com", publicOnly.Metadata["email"]);
    }

    [Fact]
    public void SavedTextHasCzmqsLayout()
    {
        var certificate = new CurveCertificate(ServerPublic, ServerSecret);
        certificate.Metadata["name"] = "server";
        var lines = certificate.ToText(secret: true).Split('\n');
        // A header comment block, a blank line, then the metadata and curve sections, children indented 4 spaces.
        int blank = Array.IndexOf(lines, "");
        Assert.True(blank > 0);
        Assert.All(lines[..blank], line => Assert.StartsWith("#   ", line));
        Assert.Equal(
            ["metadata", "    name = \"server\"", "curve", $"    public-key = \"{ServerPublic}\"", $"    secret-key = \"{ServerSecret}\"", ""],
            lines[(blank + 1)..]);
        Assert.DoesNotContain("secret-key", certificate.ToText(secret: false));
    }

    [Fact]
    public void ParsesTheTextCzmqWrites()
    {
        // What czmq's zcert_save writes for the secret file (zconfig_save: the root's comments, a blank line, then
        // each level indented by 4 spaces and every value in double quotes).
        string text =
            "#   ****  Generated on 2015-01-20 14:37:05 by CZMQ  ****\n" +
            "#   ZeroMQ CURVE **Secret** Certificate\n" +
            "#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.\n" +
            "\n" +
            "metadata\n" +
            "    name = \"Hello\"\n" +
            "    organization = \"ZeroMQ\"\n" +
            "curve\n" +
            $"    public-key = \"{ServerPublic}\"\n" +
            $"    secret-key = \"{ServerSecret}\"\n";
        var certificate = CurveCertificate.Parse(text);
        Assert.Equal(ServerPublic, certificate.PublicKey);
        Assert.Equal(ServerSecret, certificate.SecretKey);
        Assert.Equal("Hello", certificate.Metadata["name"]);
        Assert.Equal("ZeroMQ", certificate.Metadata["organization"]);
    }

    [Fact]
    public void ParsesZplVariants()
    {
        // Unquoted and single-quoted values, trailing comments, CRLF line ends, an empty metadata section, and czmq's
        // 40 zeroes standing for "no secret key".
        string text =
            "# comment\r\n" +
            "metadata\r\n" +
            "    quoted = 'say \"hi\"'   # trailing comment\r\n" +
            "    bare = some value # comment\r\n" +
            "curve\r\n" +
            $"    public-key = {ClientPublic}\r\n" +
            "    secret-key = \"0000000000000000000000000000000000000000\"\r\n";
        var certificate = CurveCertificate.Parse(text);
        Assert.Equal(ClientPublic, certificate.PublicKey);
        Assert.Null(certificate.SecretKey);
        Assert.Equal("say \"hi\"", certificate.Metadata["quoted"]);
        Assert.Equal("some value", certificate.Metadata["bare"]);
    }

    [Fact]
    public void ValueWithADoubleQuoteRoundTripsInSingleQuotes()
    {
        var certificate = new CurveCertificate(ClientPublic);
        certificate.Metadata["motto"] = "the \"best\" key";
        var back = CurveCertificate.Parse(certificate.ToText(secret: false));
        Assert.Equal("the \"best\" key", back.Metadata["motto"]);
    }

    [Theory]
    [InlineData("curve\n    public-key = \"short\"\n", "public-key")]
    [InlineData("metadata\n", "public-key")]
    [InlineData("curve\n   public-key = \"x\"\n", "multiple of 4")]
    [InlineData("curve\n        public-key = \"x\"\n", "more than one level")]
    [InlineData("curve\n    public-key = \"unterminated\n", "missing closing")]
    [InlineData("curve\n    public-key \"x\"\n", "expected '='")]
    [InlineData("curve\n    public-key = \"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7\"\n    secret-key = \"D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs\"\n", "does not belong")]
    public void MalformedCertificatesAreInvalidData(string text, string problem)
    {
        var e = Assert.Throws<InvalidDataException>(() => CurveCertificate.Parse(text));
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void ConstructorChecksTheKeys()
    {
        Assert.Equal("publicKey", Assert.Throws<ArgumentException>(() => new CurveCertificate("nope")).ParamName);
        Assert.Equal("secretKey", Assert.Throws<ArgumentException>(() => new CurveCertificate(ServerPublic, "nope")).ParamName);
        Assert.Equal("secretKey", Assert.Throws<ArgumentException>(() => new CurveCertificate(ClientPublic, ServerSecret)).ParamName);
    }

    [Fact]
    public void MetadataThatZplCannotHoldIsRefusedOnSave()
    {
        var certificate = new CurveCertificate(ClientPublic);
        certificate.Metadata["bad name"] = "x";
        Assert.Throws<InvalidOperationException>(() => certificate.ToText(secret: false));
        certificate.Metadata.Clear();
        certificate.Metadata["name"] = "two\nlines";
        Assert.Throws<InvalidOperationException>(() => certificate.Save(Path.Combine(_dir, "x")));
        Assert.Throws<InvalidOperationException>(() => new CurveCertificate(ClientPublic).SaveSecret(Path.Combine(_dir, "y")));
    }

    [Fact]
    public void LoadFolderListsThePublicKeysAndSkipsTheRest()
    {
        var a = CurveCertificate.Generate();
        var b = CurveCertificate.Generate();
        a.Save(Path.Combine(_dir, "a.cert"));
        Directory.CreateDirectory(Path.Combine(_dir, "sub"));
        b.SavePublic(Path.Combine(_dir, "sub", "b.key"));
        new CurveCertificate(a.PublicKey).SavePublic(Path.Combine(_dir, "a-copy.cert")); // the same key twice
        File.WriteAllText(Path.Combine(_dir, "README"), "not a certificate\n");
        File.WriteAllText(Path.Combine(_dir, "broken.cert"), "curve\n    public-key = \"too short\"\n");

        var keys = CurveCertificate.LoadFolder(_dir);
        Assert.Equal(2, keys.Count);
        Assert.Contains(a.PublicKey, keys);
        Assert.Contains(b.PublicKey, keys);
    }

    [Fact]
    public void LoadFolderOfAMissingDirectoryThrows() =>
        Assert.Throws<DirectoryNotFoundException>(() => CurveCertificate.LoadFolder(Path.Combine(_dir, "missing")));

    [Fact]
    public void LoadOfAMissingFileThrows() =>
        Assert.Throws<FileNotFoundException>(() => CurveCertificate.Load(Path.Combine(_dir, "missing.cert")));
}
