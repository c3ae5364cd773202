using System.Globalization;

namespace Zera.Examples.Infrastructure;

/// <summary>
/// An example's command line: positional arguments and <c>--name value</c> options (an option may be repeated).
/// The example reads what it knows, then calls <see cref="EnsureAllRead"/>, so that a mistyped option is an error
/// instead of a silently ignored default.
/// </summary>
public sealed class ExampleArgs
{
    private readonly List<string> _positional = [];
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private int _positionalRead;

    /// <summary>Parses <paramref name="args"/>; every option takes a value (<c>--count 5</c> or <c>--count=5</c>).</summary>
    public ExampleArgs(IReadOnlyList<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                _positional.Add(arg);
                continue;
            }
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? arg : arg[..equals];
            string value;
            if (equals >= 0) value = arg[(equals + 1)..];
            else if (i + 1 < args.Count) value = args[++i];
            else throw new UsageException($"{name} needs a value");
            if (!_options.TryGetValue(name, out var values)) _options[name] = values = [];
            values.Add(value);
        }
    }

    /// <summary>The value of option <paramref name="name"/> (its last one if repeated), or <paramref name="fallback"/>.</summary>
    public string Option(string name, string fallback)
    {
        _read.Add(name);
        return _options.TryGetValue(name, out var values) ? values[^1] : fallback;
    }

    /// <summary>Every value of a repeatable option, or <paramref name="fallback"/> when it is absent.</summary>
    public IReadOnlyList<string> Options(string name, params IReadOnlyList<string> fallback)
    {
        _read.Add(name);
        return _options.TryGetValue(name, out var values) ? values : fallback;
    }

    /// <summary>An integer option of at least <paramref name="min"/>, or <paramref name="fallback"/>.</summary>
    public int Int(string name, int fallback, int min = 0) => OptionalInt(name, min) ?? fallback;

    /// <summary>An integer option of at least <paramref name="min"/>, or null when absent: a count that is absent
    /// means the Guide's "forever".</summary>
    public int? OptionalInt(string name, int min = 0)
    {
        _read.Add(name);
        if (!_options.TryGetValue(name, out var values)) return null;
        if (!int.TryParse(values[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min)
            throw new UsageException($"{name} must be a whole number of at least {min}, not '{values[^1]}'");
        return value;
    }

    /// <summary>The next positional argument, or <paramref name="fallback"/> when there is none.</summary>
    public string Positional(string fallback) => _positionalRead < _positional.Count ? _positional[_positionalRead++] : fallback;

    /// <summary>Throws <see cref="UsageException"/> for an option the example did not ask for, or an argument too many.</summary>
    public void EnsureAllRead()
    {
        var unknown = _options.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException($"unknown option {string.Join(", ", unknown)}");
        if (_positionalRead < _positional.Count)
            throw new UsageException($"unexpected argument '{_positional[_positionalRead]}'");
    }
}
