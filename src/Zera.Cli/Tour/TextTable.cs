using System.Text;

namespace Zera.Cli.Tour;

/// <summary>A plain-text table: a header row, a rule, and rows whose cells may span several lines.</summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    /// <summary>Adds a row; a cell may contain '\n' to continue on the next line.</summary>
    public void Add(params string[] cells)
    {
        if (cells.Length != headers.Length) throw new ArgumentException($"expected {headers.Length} cells", nameof(cells));
        _rows.Add(cells);
    }

    /// <summary>Renders the table with two spaces between columns and a blank line between rows.</summary>
    public override string ToString()
    {
        var widths = new int[headers.Length];
        foreach (var row in _rows.Prepend(headers))
        {
            for (int c = 0; c < row.Length; c++)
                widths[c] = Math.Max(widths[c], row[c].Split('\n').Max(line => line.Length));
        }
        var sb = new StringBuilder();
        AppendLine(sb, headers, widths);
        AppendLine(sb, widths.Select(w => new string('-', w)).ToArray(), widths);
        for (int r = 0; r < _rows.Count; r++)
        {
            if (r > 0) sb.AppendLine();
            var lines = _rows[r].Select(cell => cell.Split('\n')).ToArray();
            int height = lines.Max(l => l.Length);
            for (int i = 0; i < height; i++)
                AppendLine(sb, lines.Select(l => i < l.Length ? l[i] : "").ToArray(), widths);
        }
        return sb.ToString();
    }

    private static void AppendLine(StringBuilder sb, string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (int c = 0; c < cells.Length; c++)
        {
            if (c > 0) line.Append("  ");
            line.Append(cells[c].PadRight(widths[c]));
        }
        sb.AppendLine(line.ToString().TrimEnd());
    }
}
