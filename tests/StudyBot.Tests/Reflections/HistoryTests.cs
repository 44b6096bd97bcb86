using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Reflections;

public sealed class HistoryTests
{
    [Fact]
    public async Task History_pages_newest_first_with_date_and_quotation_and_buttons_to_move()
    {
        await using var world = await TestWorld.StartAsync(new DateTimeOffset(2026, 12, 6, 22, 0, 0, TimeSpan.Zero));
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/language en");
        await learner.SendAsync("/today");
        for (var i = 1; i <= 7; i++)
        {
            world.Clock.Advance(TimeSpan.FromMinutes(1));
            await learner.SendAsync($"Reflection number {i}");
        }

        var page1 = await learner.SendAsync("/history");

        Assert.StartsWith("Your reflections: 7 in all, page 1 of 2", page1.Text);
        Assert.Contains("2026-12-07", page1.Text);
        var quote = await world.Db.ScalarAsync<string>("SELECT quote FROM deliveries");
        Assert.Contains("“" + (quote.Length > 120 ? quote[..120] + "…" : quote + "”"), page1.Text);
        Assert.True(page1.Text.IndexOf("Reflection number 7", StringComparison.Ordinal) < page1.Text.IndexOf("Reflection number 3", StringComparison.Ordinal));
        Assert.DoesNotContain("Reflection number 2", page1.Text);
        var older = Assert.Single(page1.Buttons);
        Assert.Equal("◀ Older", older.Text);

        var before = learner.Received;
        world.Api.UserPresses(42, page1.MessageId, older.Data);
        var page2 = await world.Api.WaitUntilAsync(() => world.Api.SentTo(42).Single(m => m.MessageId == page1.MessageId) is { Edits.Count: 1 } m ? m : null);

        Assert.StartsWith("Your reflections: 7 in all, page 2 of 2", page2.Text);
        Assert.Contains("Reflection number 1", page2.Text);
        Assert.Contains("Reflection number 2", page2.Text);
        Assert.DoesNotContain("Reflection number 3", page2.Text);
        Assert.Equal("Newer ▶", Assert.Single(page2.Buttons).Text);
        Assert.Equal(before, learner.Received);
    }

    [Fact]
    public async Task History_in_Chinese_quotes_as_the_daily_message_does_and_pages_with_older_and_newer()
    {
        await using var world = await TestWorld.StartAsync(new DateTimeOffset(2026, 12, 6, 22, 0, 0, TimeSpan.Zero));
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        var daily = await learner.SendAsync("/today");
        for (var i = 1; i <= 6; i++)
        {
            world.Clock.Advance(TimeSpan.FromMinutes(1));
            await learner.SendAsync($"第 {i} 条感想");
        }

        var page1 = await learner.SendAsync("/history");

        var (quote, source) = (await world.Db.QueryAsync<(string Quote, string Source)>("SELECT quote, source FROM deliveries")).Single();
        Assert.Contains("「" + quote + "」", daily.Text);
        Assert.Contains("「" + quote + "」——" + source, page1.Text);
        Assert.DoesNotContain('“', page1.Text);
        var older = Assert.Single(page1.Buttons);
        Assert.Equal("◀ 较早", older.Text);

        world.Api.UserPresses(42, page1.MessageId, older.Data);
        var page2 = await world.Api.WaitUntilAsync(() => world.Api.SentTo(42).Single(m => m.MessageId == page1.MessageId) is { Edits.Count: 1 } m ? m : null);

        Assert.Contains("第 1 条感想", page2.Text);
        Assert.Equal("较新 ▶", Assert.Single(page2.Buttons).Text);
    }

    [Fact]
    public async Task History_shortens_a_long_reflection_between_emoji_never_inside_one()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/today");
        // History shows 500 characters of a reflection; the emoji's two halves are the 500th and 501st.
        await learner.SendAsync(new string('a', 499) + "😀 and the rest");

        var history = await learner.SendAsync("/history");

        Assert.Contains(new string('a', 499) + "…", history.Text);
        Assert.DoesNotContain(history.Text, char.IsSurrogate);
    }

    [Fact]
    public async Task History_without_reflections_says_how_to_write_one()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");

        var reply = await learner.SendAsync("/history");

        Assert.Contains("还没有感想", reply.Text);
        Assert.Empty(reply.Buttons);
    }
}
