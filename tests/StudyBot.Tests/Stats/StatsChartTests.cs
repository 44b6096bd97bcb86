using StudyBot.Stats;

namespace StudyBot.Tests.Stats;

public sealed class StatsChartTests
{
    private static readonly ChartLabels Chinese = new("近 30 天每日推送与感想", "推送", "感想");

    private static List<DayCounts> Month() =>
        Enumerable.Range(0, 30).Select(i => new DayCounts { LocalDate = new DateOnly(2026, 11, 8).AddDays(i), Deliveries = 20 + (i % 7), Answered = 10, Reflections = 10 + (i % 5) }).ToList();

    private static bool IsPng(byte[] bytes) => bytes.Length > 8 && bytes[0] == 0x89 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G';

    [Fact]
    public void A_missing_font_is_reported_and_the_chart_still_renders_with_a_fallback()
    {
        var (family, preferred) = StatsChart.FindFont("No Such Font Family 42");

        Assert.False(preferred);
        Assert.False(string.IsNullOrEmpty(family));
        Assert.True(IsPng(StatsChart.Render(Month(), Chinese, family)));
        Assert.True(IsPng(StatsChart.Render(Month(), Chinese, "No Such Font Family 42")));
    }

    [Fact]
    public void A_chart_of_days_without_any_prompt_renders()
    {
        var empty = Enumerable.Range(0, 30).Select(i => new DayCounts { LocalDate = new DateOnly(2026, 11, 8).AddDays(i) }).ToList();

        Assert.True(IsPng(StatsChart.Render(empty, Chinese, StatsChart.PreferredFont)));
    }
}
