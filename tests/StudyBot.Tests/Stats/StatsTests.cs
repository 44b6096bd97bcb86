using System.Buffers.Binary;
using StudyBot.FakeBotApi;
using StudyBot.Stats;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Stats;

public sealed class StatsTests
{
    private const long Admin = 900;

    // Today is 2026-12-07 in Asia/Shanghai (TestWorld's start). Six learners in every state; prompts
    // today, yesterday, 6 days ago (inside the 7-day rate), 7 days ago (outside it) and 30 days ago
    // (outside the chart).
    private static async Task SeedAsync(TestDatabase db)
    {
        await db.AddLearnerAsync(1, "Ann");
        await db.AddLearnerAsync(2, "Bo");
        await db.AddLearnerAsync(3, "Cai");
        await db.AddLearnerAsync(4, "Dee", status: "paused");
        await db.AddLearnerAsync(5, "Eve", status: "stopped");
        await db.AddLearnerAsync(6, "Fan", status: "blocked");

        var today1 = await db.AddDeliveryAsync(1, "2026-12-07");
        var today2 = await db.AddDeliveryAsync(2, "2026-12-07");
        await db.AddDeliveryAsync(3, "2026-12-07");
        await db.AddDeliveryAsync(4, "2026-12-07", sent: false);
        await db.AddReflectionAsync(1, today1, "第一条");
        await db.AddReflectionAsync(1, today1, "补充一条");
        await db.AddReflectionAsync(2, today2);

        var yesterday1 = await db.AddDeliveryAsync(1, "2026-12-06");
        await db.AddDeliveryAsync(2, "2026-12-06");
        await db.AddDeliveryAsync(3, "2026-12-06");
        await db.AddReflectionAsync(1, yesterday1);

        await db.AddReflectionAsync(1, await db.AddDeliveryAsync(1, "2026-12-01"));

        await db.AddReflectionAsync(1, await db.AddDeliveryAsync(1, "2026-11-30"));
        await db.AddReflectionAsync(2, await db.AddDeliveryAsync(2, "2026-11-30"));

        await db.AddReflectionAsync(1, await db.AddDeliveryAsync(1, "2026-11-07"));
    }

    private static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    private static async Task<SentMessage> AskStatsAsync(TestWorld world)
    {
        world.Api.UserSends(Admin, "/stats");
        return await world.Api.WaitForMessageAsync(Admin, m => m.Method == "sendPhoto");
    }

    [Fact]
    public async Task Stats_sends_a_chart_photo_with_subscribers_todays_figures_and_the_weekly_reply_rate_in_its_caption()
    {
        await using var world = await TestWorld.StartAsync();
        await SeedAsync(world.Db);

        var photo = await AskStatsAsync(world);

        Assert.Equal(
            """
            订阅者共 6 人：活跃 3 人，暂停 1 人，已退订或屏蔽机器人 2 人
            今天（2026-12-07）：已推送 3 条，收到感想 3 条
            近 7 天回复率：57%（7 条推送中有 4 条得到回复）
            """,
            photo.Caption);
        Assert.Equal((StatsChart.Width, StatsChart.Height), PngSize(photo.FileContent!));
        Assert.Single(world.Api.SentTo(Admin));
    }

    [Fact]
    public async Task The_chart_covers_the_last_30_days_counting_prompts_sent_and_reflections_on_each_days_prompts()
    {
        await using var world = await TestWorld.StartAsync();
        await SeedAsync(world.Db);

        var days = await world.Get<StatsStore>().CountByDayAsync(null, new DateOnly(2026, 11, 8), new DateOnly(2026, 12, 7), CancellationToken.None);

        Assert.Equal(
            new[] { ("2026-11-30", 2L, 2L, 2L), ("2026-12-01", 1L, 1L, 1L), ("2026-12-06", 3L, 1L, 1L), ("2026-12-07", 3L, 2L, 3L) },
            days.Select(d => (d.LocalDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), d.Deliveries, d.Answered, d.Reflections)));
    }

    [Fact]
    public async Task Stats_speak_english_where_that_is_the_language_and_show_no_rate_without_prompts()
    {
        await using var world = await TestWorld.StartAsync(settings: s => s["Bot:Language"] = "en");
        await world.Db.AddLearnerAsync(1, "Ann", language: "en");

        var photo = await AskStatsAsync(world);

        Assert.Equal(
            """
            Subscribers: 1 in all — 1 active, 0 paused, 0 stopped or blocked
            Today (2026-12-07): 0 prompts sent, 0 reflections
            Reply rate, last 7 days: — (0 of 0 prompts answered)
            """,
            photo.Caption);
        Assert.Equal((StatsChart.Width, StatsChart.Height), PngSize(photo.FileContent!));
    }

    [Fact]
    public async Task Today_is_the_asking_admins_own_local_day()
    {
        // 2026-12-07 02:00 UTC is still the 6th in New York.
        await using var world = await TestWorld.StartAsync();
        await world.Learner(Admin).SendAsync("/start");
        await world.Learner(Admin).SendAsync("/timezone America/New_York");
        await world.Db.AddDeliveryAsync(1, "2026-12-06");

        var photo = await AskStatsAsync(world);

        Assert.Contains("今天（2026-12-06）：已推送 1 条", photo.Caption, StringComparison.Ordinal);
    }
}
