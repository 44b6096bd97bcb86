using System.Globalization;

namespace StudyBot.Bench;

// One scenario's figures, printed as a table: a figure, its value, the target and whether it was met.
// Checks are correctness (counts, final report, durability): a failed check fails the run.
internal sealed class Report(string title)
{
    private readonly List<Row> rows = [];
    private readonly List<string> notes = [];

    public string Title { get; } = title;
    public bool Failed { get; private set; }
    public bool MissedTarget { get; private set; }
    public IReadOnlyList<Row> Rows => rows;

    public void Figure(string name, string value, string target = "", bool? met = null)
    {
        rows.Add(new Row(name, value, target, met switch { true => "ok", false => "MISSED", null => "" }));
        MissedTarget |= met == false;
    }

    public void Check(string name, bool ok, string value)
    {
        rows.Add(new Row(name, value, "", ok ? "ok" : "FAILED"));
        Failed |= !ok;
    }

    public void Fail(string reason)
    {
        rows.Add(new Row("run", reason, "", "FAILED"));
        Failed = true;
    }

    // Free text printed under the table (the bot's log lines, for instance).
    public void Note(string line) => notes.Add(line);

    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine($"== {Title}");
        var nameWidth = rows.Max(r => r.Name.Length);
        var valueWidth = Math.Min(60, rows.Max(r => r.Value.Length));
        foreach (var row in rows)
        {
            var target = row.Target.Length > 0 ? $"target {row.Target}" : "";
            Console.WriteLine($"  {row.Name.PadRight(nameWidth)}  {row.Value.PadRight(valueWidth)}  {target,-20} {row.Verdict}".TrimEnd());
        }

        foreach (var note in notes)
        {
            Console.WriteLine($"  | {note}");
        }
    }

    public static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:F1} MB");

    public static string Number(double value, string format = "N0") => value.ToString(format, CultureInfo.InvariantCulture);

    internal sealed record Row(string Name, string Value, string Target, string Verdict);
}

internal static class Percentiles
{
    // Nearest-rank percentile of values already sorted ascending.
    public static double Of(double[] sorted, double percent) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
