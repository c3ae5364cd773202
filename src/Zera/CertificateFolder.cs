namespace Zera;

/// <summary>
/// The public keys of a folder of czmq certificate files, as pyzmq's <c>load_certificates</c> reads them: every
/// <c>*.key</c> file (not <c>*.key_secret</c>) whose <c>curve</c> section has a <c>public-key = "..."</c> line.
/// </summary>
/// <remarks>MERGE: stands in for <c>CurveCertificate.LoadFolder</c>, which reads the same files; once that exists,
/// <see cref="ZapAuthenticator.AllowCurveKeysFrom"/> calls it and this file goes. Stateless and thread-safe.</remarks>
internal static class CertificateFolder
{
    /// <summary>The 32-byte public keys found in <paramref name="folder"/>; throws
    /// <see cref="DirectoryNotFoundException"/> when it does not exist and <see cref="ArgumentException"/> when a
    /// certificate's key is not valid Z85.</summary>
    public static List<byte[]> PublicKeys(string folder)
    {
        var keys = new List<byte[]>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.key").Order(StringComparer.Ordinal))
        {
            foreach (var raw in File.ReadLines(file))
            {
                // ZPL (czmq's text format): "    public-key = "<40 characters>"" inside the curve section.
                var line = raw.Trim();
                if (!line.StartsWith("public-key", StringComparison.Ordinal)) continue;
                int eq = line.IndexOf('=', StringComparison.Ordinal);
                if (eq < 0) continue;
                var value = line[(eq + 1)..].Trim().Trim('"');
                keys.Add(SecurityKeys.Parse(Path.GetFileName(file), value));
                break;
            }
        }
        return keys;
    }
}
