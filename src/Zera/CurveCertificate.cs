using System.Globalization;
using System.Text;

namespace Zera;

/// <summary>
/// A CURVE certificate in czmq's <c>zcert</c> file format: a public key, maybe its secret key, and metadata (name,
/// email, organisation...). <see cref="Save"/> writes two ZPL files, as czmq does: the public certificate under the
/// given path, to hand out, and the secret certificate (both keys) under the path plus <c>_secret</c>, to keep. Files
/// written by czmq's <c>zcert_save</c> load here and the other way round.
/// </summary>
/// <remarks>Not thread-safe while its metadata is being changed; reading from several threads is fine. The secret key
/// is a managed string and cannot be wiped from memory.</remarks>
public sealed class CurveCertificate
{
    /// <summary>The suffix of the secret certificate's file name.</summary>
    public const string SecretSuffix = "_secret";

    /// <summary>A certificate of the given keys (Z85, 40 characters each); the secret key may be null for a peer's
    /// public certificate. A secret key must belong to the public key.</summary>
    /// <exception cref="ArgumentException">A key is not 40 characters of Z85, or the secret key does not belong to
    /// the public key.</exception>
    public CurveCertificate(string publicKey, string? secretKey = null)
    {
        var publicBytes = Curve.DecodeKey(publicKey, nameof(publicKey));
        if (secretKey != null)
        {
            Span<byte> secretBytes = stackalloc byte[Curve.KeyBytes];
            Curve.DecodeKey(secretKey, secretBytes, nameof(secretKey));
            bool matches = Curve.DerivePublicKey(secretBytes).AsSpan().SequenceEqual(publicBytes);
            Protocol.Mechanisms.Sodium.Zero(secretBytes);
            if (!matches) Guard.ThrowArgument(nameof(secretKey), "the secret key does not belong to the public key");
        }
        PublicKey = publicKey;
        SecretKey = secretKey;
    }

    /// <summary>A certificate with a new random key pair.</summary>
    public static CurveCertificate Generate()
    {
        var pair = Curve.GenerateKeyPair();
        return new CurveCertificate(pair.PublicKey, pair.SecretKey);
    }

    /// <summary>The public key, Z85 (40 characters).</summary>
    public string PublicKey { get; }

    /// <summary>The secret key, Z85 (40 characters); null for a certificate loaded from a public file.</summary>
    public string? SecretKey { get; }

    /// <summary>The metadata section: names (letters, digits and <c>$-_@.&amp;+/</c>) and values, in the order they
    /// are written. Values may not contain a line break, nor both kinds of quote.</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Loads a certificate as czmq's <c>zcert_load</c> does: from <paramref name="path"/> plus <c>_secret</c> when that
    /// file exists (both keys), else from <paramref name="path"/> itself (the public key only, unless it holds a secret
    /// key too).
    /// </summary>
    /// <exception cref="FileNotFoundException">Neither file exists.</exception>
    /// <exception cref="InvalidDataException">The file is not a certificate (not ZPL, or no valid public key).</exception>
    public static CurveCertificate Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string secretPath = path + SecretSuffix;
        string file = File.Exists(secretPath) ? secretPath : path;
        return Parse(File.ReadAllText(file), file);
    }

    /// <summary>Parses a certificate from its ZPL text (what <see cref="Load"/> reads from a file).</summary>
    /// <exception cref="InvalidDataException">The text is not a certificate.</exception>
    public static CurveCertificate Parse(string text) => Parse(text, "certificate");

    /// <summary>
    /// The public keys (Z85) of every certificate in <paramref name="directory"/> and its subdirectories, as czmq's
    /// certificate store reads a folder for a ZAP handler's allow list: secret files (<c>*_secret</c>) are skipped,
    /// and so is any file that cannot be read or is not a certificate. Each key appears once.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    public static IReadOnlyList<string> LoadFolder(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"no certificate folder at '{directory}'");
        var keys = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var files = Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true });
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            if (file.EndsWith(SecretSuffix, StringComparison.Ordinal)) continue;
            try
            {
                var certificate = Parse(File.ReadAllText(file), file);
                if (seen.Add(certificate.PublicKey)) keys.Add(certificate.PublicKey);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                // A stray file in a certificate folder is not an error: czmq skips it too.
            }
        }
        return keys;
    }

    /// <summary>
    /// Saves both files as czmq's <c>zcert_save</c> does: the public certificate to <paramref name="path"/> and, when
    /// this certificate has a secret key, the secret certificate to <paramref name="path"/> plus <c>_secret</c>
    /// (readable by its owner only, on Unix). Existing files are replaced.
    /// </summary>
    /// <exception cref="InvalidOperationException">A metadata name or value cannot be written as ZPL.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SavePublic(path);
        if (SecretKey != null) SaveSecret(path + SecretSuffix);
    }

    /// <summary>Saves the public certificate only (public key and metadata) to <paramref name="path"/>.</summary>
    /// <exception cref="InvalidOperationException">A metadata name or value cannot be written as ZPL.</exception>
    public void SavePublic(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllText(path, ToText(secret: false));
    }

    /// <summary>Saves the secret certificate (both keys and metadata) to <paramref name="path"/>, readable by its owner
    /// only on Unix.</summary>
    /// <exception cref="InvalidOperationException">This certificate has no secret key, or a metadata name or value
    /// cannot be written as ZPL.</exception>
    public void SaveSecret(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (SecretKey == null) throw new InvalidOperationException("this certificate has no secret key to save");
        string text = ToText(secret: true);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        // UnixCreateMode applies only to a new file: an existing one is removed first so the mode is never wider.
        File.Delete(path);
        using var writer = new StreamWriter(path, new UTF8Encoding(false), options);
        writer.Write(text);
    }

    /// <summary>The text of the public certificate (<paramref name="secret"/> false) or of the secret one.</summary>
    public string ToText(bool secret)
    {
        if (secret && SecretKey == null) throw new InvalidOperationException("this certificate has no secret key");
        var text = new StringBuilder();
        string stamp = DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        text.Append("#   ****  Generated on ").Append(stamp).Append(" by Zera  ****\n");
        if (secret)
        {
            text.Append("#   ZeroMQ CURVE **Secret** Certificate\n");
            text.Append("#   Keep this file private: anyone who reads it can act as its owner.\n");
        }
        else
        {
            text.Append("#   ZeroMQ CURVE Public Certificate\n");
            text.Append("#   Give this file to the peers that should know this key; check that it arrives\n");
            text.Append("#   unchanged (a secure channel or a comparison of the key).\n");
        }
        text.Append('\n');
        text.Append("metadata\n");
        foreach (var (name, value) in Metadata) AppendProperty(text, name, value);
        text.Append("curve\n");
        AppendProperty(text, "public-key", PublicKey);
        if (secret) AppendProperty(text, "secret-key", SecretKey!);
        return text.ToString();
    }

    private static void AppendProperty(StringBuilder text, string name, string value)
    {
        if (name.Length == 0 || !name.All(Zpl.IsNameChar) || name[0] == '/' || name[^1] == '/')
            throw new InvalidOperationException($"metadata name '{name}' is not a ZPL name (letters, digits and $-_@.&+/, no '/' at either end)");
        if (value.Contains('\n') || value.Contains('\r'))
            throw new InvalidOperationException($"metadata value of '{name}' contains a line break");
        // czmq quotes with ", and ZPL has no escapes: a value holding " is written in ' instead.
        char quote = value.Contains('"') ? '\'' : '"';
        if (quote == '\'' && value.Contains('\''))
            throw new InvalidOperationException($"metadata value of '{name}' contains both kinds of quote");
        text.Append("    ").Append(name).Append(" = ").Append(quote).Append(value).Append(quote).Append('\n');
    }

    private static CurveCertificate Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var root = Zpl.Parse(text);
        string? publicKey = Zpl.Locate(root, "curve/public-key")?.Value;
        if (!Curve.IsValidKey(publicKey)) throw new InvalidDataException($"{source}: no valid curve/public-key (40 characters of Z85)");
        string? secretKey = Zpl.Locate(root, "curve/secret-key")?.Value;
        // czmq writes a certificate made from a public key alone with an all-zero secret key: that means "none".
        if (secretKey is { Length: 0 } || secretKey == new string('0', Curve.KeyChars)) secretKey = null;
        if (secretKey != null && !Curve.IsValidKey(secretKey))
            throw new InvalidDataException($"{source}: curve/secret-key is not 40 characters of Z85");
        CurveCertificate certificate;
        try
        {
            certificate = new CurveCertificate(publicKey!, secretKey);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
        var metadata = root.Child("metadata");
        if (metadata != null)
        {
            foreach (var item in metadata.Children) certificate.Metadata[item.Name] = item.Value;
        }
        return certificate;
    }
}
