using System.Globalization;
using System.Reflection;

namespace Zera.Cli.Bench;

/// <summary>The harness's output: one line starting with <c>RESULT </c> of key=value pairs, invariant culture.</summary>
public static class ResultLine
{
    /// <summary>Zera's version, without the source-revision suffix.</summary>
    public static string ZeraVersion
    {
        get
        {
            var assembly = typeof(Context).Assembly;
            var info = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            if (info != null)
            {
                int plus = info.IndexOf('+', StringComparison.Ordinal);
                return plus > 0 ? info[..plus] : info;
            }
            return assembly.GetName().Version?.ToString() ?? "unknown";
        }
    }

    /// <summary>The fields every RESULT line starts with.</summary>
    public static string Prefix(string test) =>
        $"RESULT impl=zera version={ZeraVersion} runtime={Environment.Version} test={test}";

    /// <summary>Formats <paramref name="text"/> with the invariant culture.</summary>
    public static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
