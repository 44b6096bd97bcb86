using System.Text.RegularExpressions;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Wall;

public sealed class WallTests
{
    private const long OrganizerA = 501;
    private const long OrganizerB = 502;

    // Groups A (points on) and B; member 11 of A answered today and shared it, member 12 answered
    // without sharing.
    private static async Task<TestWorld> SharedAsync()
    {
        var world = await TestWorld.StartAsync();
        var joins = new List<string>();
        foreach (var (name, organizer) in new[] { ("Branch A", OrganizerA), ("Branch B", OrganizerB) })
        {
            var created = await world.Learner(TestWorld.AdminId).SendAsync("/newgroup " + name);
            await world.Learner(organizer).SendAsync("/start o_" + Regex.Match(created.Text, "o_([a-z2-7]+)").Groups[1].Value);
            joins.Add("/start j_" + Regex.Match(created.Text, "j_([a-z2-7]+)").Groups[1].Value);
        }

        await world.Learner(OrganizerA).SendAsync("/groupset points=on");
        foreach (var member in new long[] { 11, 12 })
        {
            await world.Learner(member).SendAsync(joins[0]);
            await world.Learner(member).SendAsync("/today");
            var confirmation = await world.Learner(member).SendAsync($"Insight of member {member}");
            if (member == 11)
            {
                var press = world.Api.UserPresses(11, confirmation.MessageId, confirmation.Buttons[0].Data);
                await world.Api.WaitUntilAsync(() => world.Api.ButtonAnswers.FirstOrDefault(a => a.CallbackQueryId == press));
            }
        }

        return world;
    }

    [Fact]
    public async Task The_wall_shows_only_shared_reflections_and_a_feature_and_a_comment_reach_the_author()
    {
        await using var world = await SharedAsync();
        var before = world.Api.SentTo(OrganizerA).Count;

        world.Api.UserSends(OrganizerA, "/wall");
        var entry = await world.Api.WaitForNthMessageAsync(OrganizerA, before + 2);
        Assert.Contains("共 1 条", world.Api.SentTo(OrganizerA)[before].Text, StringComparison.Ordinal);
        Assert.Contains("Insight of member 11", entry.Text, StringComparison.Ordinal);
        await world.UpdatesHandledAsync();
        Assert.DoesNotContain(world.Api.SentTo(OrganizerA), m => m.Text.Contains("member 12", StringComparison.Ordinal));

        // Feature: 3 points for the author, who is told; a second press adds nothing.
        foreach (var _ in new[] { 1, 2 })
        {
            var press = world.Api.UserPresses(OrganizerA, entry.MessageId, entry.Buttons[0].Data, fromId: OrganizerA);
            await world.Api.WaitUntilAsync(() => world.Api.ButtonAnswers.FirstOrDefault(a => a.CallbackQueryId == press));
        }

        await world.Api.WaitForMessageAsync(11, m => m.Text.Contains("精选", StringComparison.Ordinal));
        Assert.Equal(6, await world.Db.ScalarAsync<long>("SELECT SUM(points) FROM points WHERE chat_id = 11"));

        // Comment: the organizer's next text goes to the author with a quote, and shows in /history.
        world.Api.UserPresses(OrganizerA, entry.MessageId, entry.Buttons[1].Data, fromId: OrganizerA);
        await world.Api.WaitForMessageAsync(OrganizerA, m => m.Text.Contains("点评", StringComparison.Ordinal) && m.Text.Contains("Learner", StringComparison.Ordinal));
        var sent = await world.Learner(OrganizerA).SendAsync("Well observed; try it at work tomorrow.");
        Assert.Contains("点评已发送", sent.Text, StringComparison.Ordinal);
        var told = await world.Api.WaitForMessageAsync(11, m => m.Text.Contains("Well observed", StringComparison.Ordinal));
        Assert.Contains("Insight of member 11", told.Text, StringComparison.Ordinal);

        // Both notices went through the outbox, queued with the feature and the comment themselves
        // (a crash in between cannot lose them); the second Feature queued none.
        await TestWorld.EventuallyAsync(async () => await world.Db.CountAsync("outbox", "kind = 'learner-notice' AND chat_id = 11 AND status = 'sent'") == 2, "both notices are sent");
        Assert.Contains("点评：Well observed", (await world.Learner(11).SendAsync("/history")).Text, StringComparison.Ordinal);
        Assert.Equal(0, await world.Db.CountAsync("reflections", $"chat_id = {OrganizerA}"));

        // The author's summary draft carries the comment under the reflection.
        world.Api.UserSends(11, "/export");
        var markdown = await world.Api.WaitForMessageAsync(11, m => m.FileName?.EndsWith(".md", StringComparison.Ordinal) == true);
        var draft = System.Text.Encoding.UTF8.GetString(markdown.FileContent!);
        Assert.True(draft.IndexOf("Insight of member 11", StringComparison.Ordinal) < draft.IndexOf("组织者点评：Well observed", StringComparison.Ordinal), draft);
    }

    [Fact]
    public async Task An_organizer_of_another_group_can_neither_see_nor_feature_nor_comment()
    {
        await using var world = await SharedAsync();
        var shared = await world.Db.ScalarAsync<long>("SELECT id FROM reflections WHERE shared_utc IS NOT NULL");
        var a = await world.Db.ScalarAsync<long>("SELECT id FROM study_groups WHERE name = 'Branch A'");

        var wall = await world.Learner(OrganizerB).SendAsync("/wall");
        Assert.Contains("暂无分享", wall.Text, StringComparison.Ordinal);
        foreach (var data in new[] { $"wall:f:{shared}", $"wall:c:{shared}", $"wall:d:{a}:2026-12-07" })
        {
            var press = world.Api.UserPresses(OrganizerB, wall.MessageId, data, fromId: OrganizerB);
            var answer = await world.Api.WaitUntilAsync(() => world.Api.ButtonAnswers.FirstOrDefault(x => x.CallbackQueryId == press));
            Assert.False(string.IsNullOrEmpty(answer.Text));
        }

        await world.UpdatesHandledAsync();
        Assert.Equal(0, await world.Db.CountAsync("reflections", "featured_utc IS NOT NULL"));
        Assert.Equal(0, await world.Db.CountAsync("pending_comments"));
        Assert.DoesNotContain(world.Api.SentTo(OrganizerB), m => m.Text.Contains("Insight", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_comment_too_long_is_refused_and_an_old_pending_comment_is_forgotten()
    {
        await using var world = await SharedAsync();
        var before = world.Api.SentTo(OrganizerA).Count;
        world.Api.UserSends(OrganizerA, "/wall");
        var entry = await world.Api.WaitForNthMessageAsync(OrganizerA, before + 2);
        world.Api.UserPresses(OrganizerA, entry.MessageId, entry.Buttons[1].Data, fromId: OrganizerA);
        await world.Api.WaitForMessageAsync(OrganizerA, m => m.Text.Contains("请现在写下", StringComparison.Ordinal));

        var tooLong = await world.Learner(OrganizerA).SendAsync(new string('好', 3001));
        Assert.Contains("3000", tooLong.Text, StringComparison.Ordinal);
        Assert.Equal(0, await world.Db.CountAsync("comments"));

        // Sixteen minutes on, the organizer's text is theirs again, not a comment to member 11.
        world.Clock.Advance(TimeSpan.FromMinutes(16));
        await world.Learner(OrganizerA).SendAsync("My own thought");
        await world.UpdatesHandledAsync();
        Assert.Equal(0, await world.Db.CountAsync("comments"));
        Assert.DoesNotContain(world.Api.SentTo(11), m => m.Text.Contains("My own thought", StringComparison.Ordinal));
    }
}
