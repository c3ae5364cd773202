using System.Reflection;
using System.Text.RegularExpressions;

namespace Zera.Tests;

/// <summary>
/// ARCHITECTURE.md's layer rule, enforced: each folder of <c>src/Zera</c> may name only the types of the layers it
/// stands on. The test reads the sources (comments and string literals removed) and looks for the name of every type
/// the layer must not know, so a lower layer that reaches up fails here, not in review.
/// </summary>
public partial class LayeringTests
{
    /// <summary>Root types every layer may name: the vocabulary the whole library shares.</summary>
    private static readonly string[] s_vocabulary = ["Frame", "FrameFlags", "SocketType", "SocketEventKind", "SecurityMechanism"];

    /// <summary>Root types for errors: the layers that report to the user may throw them; Core and Protocol may not.</summary>
    private static readonly string[] s_errors = ["ZeraException", "ErrorKind"];

    /// <summary>Each layer (folder) and the layers whose types it may name.</summary>
    public static TheoryData<string, string[], bool> Layers => new()
    {
        { "Core", [], false },
        { "Protocol", ["Core"], false },
        { "Transports", ["Core", "Protocol"], true },
        { "Patterns", ["Core", "Protocol"], true },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void LayerNamesNoTypeAboveIt(string layer, string[] below, bool mayThrowApiErrors)
    {
        var assembly = typeof(Frame).Assembly;
        var allowed = new HashSet<string>(["Zera." + layer, .. below.Select(b => "Zera." + b)]);
        var forbidden = assembly.GetTypes()
            .Where(t => !t.IsNested && !t.Name.Contains('<') && t.Namespace != null)
            .Where(t => !allowed.Any(ns => t.Namespace == ns || t.Namespace!.StartsWith(ns + ".", StringComparison.Ordinal)))
            .Where(t => t.Namespace != "Zera" || !(s_vocabulary.Contains(t.Name) || (mayThrowApiErrors && s_errors.Contains(t.Name))))
            .Select(t => t.Name.Split('`')[0])
            .Distinct()
            .ToList();
        Assert.Contains("ZeraSocket", forbidden); // the check itself is live
        var violations = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(SourceRoot(), "src", "Zera", layer), "*.cs", SearchOption.AllDirectories))
        {
            string code = StripCommentsAndStrings(File.ReadAllText(file));
            foreach (var name in forbidden)
            {
                if (Regex.IsMatch(code, $@"(?<![\w.]){Regex.Escape(name)}\b"))
                    violations.Add($"{Path.GetFileName(file)} names {name}");
            }
        }
        Assert.True(violations.Count == 0, $"{layer} reaches above its layer: {string.Join("; ", violations)}");
    }

    /// <summary>Removes comments, string and character literals, and fully qualified BCL names (System.Net.Sockets.Socket
    /// is not Zera's ZeraSocket).</summary>
    private static string StripCommentsAndStrings(string code)
    {
        code = BlockComment().Replace(code, " ");
        code = LineComment().Replace(code, " ");
        code = StringLiteral().Replace(code, "\"\"");
        code = CharLiteral().Replace(code, "' '");
        return QualifiedName().Replace(code, " ");
    }

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex BlockComment();

    [GeneratedRegex(@"//.*$", RegexOptions.Multiline)]
    private static partial Regex LineComment();

    [GeneratedRegex(@"\$?@?""(?:[^""\\]|\\.)*""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"'(?:[^'\\]|\\.)'")]
    private static partial Regex CharLiteral();

    [GeneratedRegex(@"\bSystem(?:\.\w+)+")]
    private static partial Regex QualifiedName();

    private static string SourceRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Zera.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"Zera.slnx not found above {AppContext.BaseDirectory}");
    }
}
