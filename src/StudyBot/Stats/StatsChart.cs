using System.Globalization;
using Microsoft.Extensions.Logging;
using ScottPlot;
using SkiaSharp;

namespace StudyBot.Stats;

// The /stats picture: prompts sent per day as bars, reflections per day as a line.
// Chinese labels need a CJK font (Debian: fonts-noto-cjk). It is named here rather than left to
// the system's default, which has no CJK glyphs and draws empty boxes. Without it any installed
// font with CJK glyphs is taken, else ScottPlot's default: the chart is still drawn (Chinese text
// may then show as boxes), and a warning says which package is missing.
internal sealed partial class StatsChart(ILogger<StatsChart> logger)
{
    public const string PreferredFont = "Noto Sans CJK SC";
    public const int Width = 1000;
    public const int Height = 500;

    private string? font;

    public byte[] Render(IReadOnlyList<DayCounts> days, ChartLabels labels)
    {
        font ??= ChooseFont();
        return Render(days, labels, font);
    }

    // The figures matter more than the picture: where drawing fails (a missing native library,
    // say), the caller goes on without it, and the log says why there is no chart.
    public byte[]? TryRender(IReadOnlyList<DayCounts> days, ChartLabels labels)
    {
        try
        {
            return Render(days, labels);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or InvalidOperationException)
        {
            LogChartFailed(e);
            return null;
        }
    }

    internal static byte[] Render(IReadOnlyList<DayCounts> days, ChartLabels labels, string fontFamily)
    {
        var plot = new Plot();
        var positions = Enumerable.Range(0, days.Count).Select(i => (double)i).ToArray();

        var bars = plot.Add.Bars(positions, days.Select(d => (double)d.Deliveries).ToArray());
        bars.LegendText = labels.Deliveries;
        bars.Color = Colors.SteelBlue.WithAlpha(0.6);
        foreach (var bar in bars.Bars)
        {
            bar.Size = 0.75;
            bar.LineWidth = 0;
        }

        var line = plot.Add.Scatter(positions, days.Select(d => (double)d.Reflections).ToArray());
        line.LegendText = labels.Reflections;
        line.Color = Colors.OrangeRed;
        line.LineWidth = 2;
        line.MarkerSize = 6;

        // A date label every fifth day and on the last (today), as MM-dd: short and the same in both languages.
        var ticks = Enumerable.Range(0, days.Count).Where(i => (days.Count - 1 - i) % 5 == 0).ToArray();
        plot.Axes.Bottom.SetTicks(
            ticks.Select(i => (double)i).ToArray(),
            ticks.Select(i => days[i].LocalDate.ToString("MM-dd", CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.SetLimitsX(-0.75, days.Count - 0.25);
        plot.Axes.SetLimitsY(0, Math.Max(1, days.Max(d => Math.Max(d.Deliveries, d.Reflections))) * 1.15);

        // The CJK font only where words are: with it the tick labels sit too high and the tick marks
        // cut into them; ticks are digits, which the default font draws well.
        plot.Title(labels.Title);
        plot.Axes.Title.Label.FontName = fontFamily;
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.Legend.FontName = fontFamily;

        // CJK fonts are taller than the legend's row for the symbol: without room the labels are cut.
        plot.Legend.FontSize = 16;
        plot.Legend.SymbolHeight = 32;

        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    // The preferred family if installed, else any family that has CJK glyphs, else ScottPlot's default.
    internal static (string Family, bool Preferred) FindFont(string preferred)
    {
        using var exact = SKFontManager.Default.MatchFamily(preferred);
        if (exact is not null)
        {
            return (preferred, true);
        }

        using var cjk = SKFontManager.Default.MatchCharacter('学');
        return (cjk?.FamilyName ?? Fonts.Default, false);
    }

    private string ChooseFont()
    {
        var (family, preferred) = FindFont(PreferredFont);
        if (!preferred)
        {
            LogFontMissing(PreferredFont, family);
        }

        return family;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Drawing a chart failed; the figures go without it")]
    private partial void LogChartFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Font {Preferred} is not installed (Debian: apt-get install fonts-noto-cjk); charts use {Fallback}, where Chinese text may show as boxes")]
    private partial void LogFontMissing(string preferred, string fallback);
}

internal sealed record ChartLabels(string Title, string Deliveries, string Reflections);
