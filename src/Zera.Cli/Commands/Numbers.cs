using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace Zera.Cli.Commands;

/// <summary>Whole-number options and arguments with a lower bound, whose errors read as one plain sentence
/// ("--count: 'many' is not a whole number") instead of naming .NET types.</summary>
public static class Numbers
{
    /// <summary>An option taking a whole number of at least <paramref name="minimum"/>.</summary>
    public static Option<T> Option<T>(string name, string? alias, string description, string helpName, T defaultValue, T minimum)
        where T : struct, IBinaryInteger<T>
    {
        var option = alias == null ? new Option<T>(name) : new Option<T>(name, alias);
        option.Description = description;
        option.HelpName = helpName;
        option.DefaultValueFactory = _ => defaultValue;
        option.CustomParser = result => Parse(result, name, minimum);
        return option;
    }

    /// <summary>An argument taking a whole number of at least <paramref name="minimum"/>.</summary>
    public static Argument<T> Argument<T>(string name, string description, T minimum) where T : struct, IBinaryInteger<T>
    {
        return new Argument<T>(name)
        {
            Description = description,
            CustomParser = result => Parse(result, name, minimum),
        };
    }

    private static T Parse<T>(ArgumentResult result, string name, T minimum) where T : struct, IBinaryInteger<T>
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (!T.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            result.AddError($"{name}: '{text}' is not a whole number");
            return default;
        }
        if (value < minimum)
        {
            result.AddError($"{name} must be at least {minimum} (was {value})");
            return default;
        }
        return value;
    }
}
