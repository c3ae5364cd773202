using System.Globalization;
using System.Text;

namespace Zera.Cli.Text;

/// <summary>
/// The tool's text form of a frame. Input: <c>0x</c> followed only by hex digits is binary (an even number of
/// digits; <c>0x</c> alone is an empty frame), anything else is UTF-8 text. Output: a frame that is printable UTF-8
/// (no control characters, not itself starting with <c>0x</c>) prints as text, any other as <c>0x</c> + lowercase hex;
/// an empty frame prints as nothing. Printing and parsing round-trip exactly.
/// </summary>
public static class FrameText
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The separator between the frames of one message on an output line.</summary>
    public const char FrameSeparator = '\t';

    /// <summary>Parses one frame written as text or <c>0x</c>-hex.</summary>
    /// <exception cref="CliException">For <c>0x</c> followed by an odd number of hex digits.</exception>
    public static byte[] Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsHexForm(text))
        {
            var digits = text.AsSpan(2);
            if (digits.Length % 2 != 0)
                throw new CliException($"frame '{text}': odd number of hex digits after 0x (write two digits per byte)");
            return Convert.FromHexString(digits);
        }
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>Formats one frame for printing.</summary>
    public static string Format(ReadOnlySpan<byte> frame)
    {
        if (frame.IsEmpty) return "";
        string? text = TryDecodePrintable(frame);
        return text ?? "0x" + Convert.ToHexStringLower(frame);
    }

    /// <summary>Formats a whole message as one line: frames separated by <see cref="FrameSeparator"/>.</summary>
    public static string FormatMessage(IReadOnlyList<byte[]> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var sb = new StringBuilder();
        for (int i = 0; i < frames.Count; i++)
        {
            if (i > 0) sb.Append(FrameSeparator);
            sb.Append(Format(frames[i]));
        }
        return sb.ToString();
    }

    private static bool IsHexForm(string text)
    {
        if (!text.StartsWith("0x", StringComparison.Ordinal)) return false;
        foreach (char c in text.AsSpan(2))
        {
            if (!char.IsAsciiHexDigit(c)) return false;
        }
        return true;
    }

    private static string? TryDecodePrintable(ReadOnlySpan<byte> frame)
    {
        string text;
        try
        {
            text = s_strictUtf8.GetString(frame);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        if (text.StartsWith("0x", StringComparison.Ordinal)) return null;
        foreach (var rune in text.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator)
                return null;
        }
        return text;
    }
}
