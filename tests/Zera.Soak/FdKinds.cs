using System.Text.RegularExpressions;

namespace Zera.Soak;

/// <summary>What the process's open descriptors are (sockets, pipes, epoll, files), so that a descriptor check that
/// fails says which kind grew.</summary>
internal static partial class FdKinds
{
    /// <summary>Counts of open descriptors by kind (empty where there is no /proc).</summary>
    public static Dictionary<string, int> Take()
    {
        var kinds = new Dictionary<string, int>();
        if (!Directory.Exists("/proc/self/fd")) return kinds;
        foreach (var fd in Directory.GetFileSystemEntries("/proc/self/fd"))
        {
            string kind;
            try
            {
                kind = new FileInfo(fd).LinkTarget ?? "?";
            }
            catch (IOException)
            {
                continue; // closed meanwhile
            }
            kind = Numbers().Replace(kind, "N");
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
        }
        return kinds;
    }

    /// <summary>The kinds whose count changed from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public static string Diff(Dictionary<string, int> before, Dictionary<string, int> after) =>
        string.Join(", ", before.Keys.Union(after.Keys).Order()
            .Select(k => (k, d: after.GetValueOrDefault(k) - before.GetValueOrDefault(k)))
            .Where(x => x.d != 0)
            .Select(x => $"{x.k} {x.d:+0;-0}"));

    [GeneratedRegex(@"\d+")]
    private static partial Regex Numbers();
}
