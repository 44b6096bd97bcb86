using System.Text;
using StudyBot.Content;
using StudyBot.Reflections;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Reflections;

// The "Next steps" of a study summary are the answers to the items a pack marks `intention: true`.
public sealed class NextStepsTests
{
    // 08:00 in Shanghai on a December day = 00:00 UTC.
    private static DateTimeOffset ShanghaiEight(int day) => new(2026, 12, day, 0, 0, 0, TimeSpan.Zero);

    // A delivery of December's day to learner 42 and its answer, written as a bot before 0006 did.
    private static async Task AnsweredAsync(TestDatabase db, int day, string prompt, string answer)
    {
        var claimed = new DateTime(2026, 12, day, 0, 0, 0, DateTimeKind.Utc);
        var id = await db.ScalarAsync<long>(
            """
            INSERT INTO deliveries (chat_id, local_date, theme, quote, source, prompt, claimed_utc, sent_utc)
            VALUES (42, @LocalDate, '奋进', @Quote, '《论语》', @Prompt, @Claimed, @Claimed)
            RETURNING id
            """,
            new { LocalDate = DateOnly.FromDateTime(claimed), Quote = $"第 {day} 天的名句", Prompt = prompt, Claimed = claimed });
        await db.ExecuteAsync(
            """
            INSERT INTO reflections (chat_id, message_id, delivery_id, text, created_utc, updated_utc)
            VALUES (42, @Day, @Id, @Text, @Claimed, @Claimed)
            """,
            new { Day = day, Id = id, Text = answer, Claimed = claimed });
    }

    [Fact]
    public async Task A_groups_own_pack_gets_next_steps_from_the_items_it_marks_whatever_their_wording()
    {
        await using var world = await TestWorld.StartAsync();
        const string pack = """
            pack: week1
            language: zh-CN
            start: 2026-12-07
            items:
              - theme: 计划
                quote: 凡事预则立，不预则废。
                source: 《礼记·中庸》
                prompt: 下周的复习从哪一章开始？
                intention: true
              - theme: 回顾
                quote: 温故而知新，可以为师矣。
                source: 《论语·为政》
                prompt: 明天你打算复习什么？
            """;
        world.Api.SendsDocument(TestWorld.AdminId, "week1.yaml", Encoding.UTF8.GetBytes(pack), null, fromId: TestWorld.AdminId);
        await world.Api.WaitForNthMessageAsync(TestWorld.AdminId, 1);
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/today");
        await learner.SendAsync("从第三章开始。");
        await world.AdvanceToAsync(ShanghaiEight(8));
        await learner.NextAsync(learner.Received - 1);
        await learner.SendAsync("复习错题。");

        var before = learner.Received;
        world.Api.UserSends(42, "/export");
        var markdown = Encoding.UTF8.GetString((await learner.NextAsync(before + 1)).FileContent!);

        Assert.EndsWith("## 下一步\n\n- **2026-12-07** 从第三章开始。\n", markdown);
        Assert.Contains("## 回顾\n\n> 温故而知新，可以为师矣。\n>\n> ——《论语·为政》\n\n**2026-12-08**\n\n复习错题。\n\n", markdown);
        Assert.DoesNotContain("## 计划", markdown);
    }

    [Fact]
    public async Task An_upgraded_database_keeps_the_intention_prompts_it_held_before_packs_marked_them()
    {
        await using var world = await TestWorld.StartAsync();
        await AnsweredAsync(world.Db, 5, "明天你打算迈出哪一小步？", "先做十道题。");
        await AnsweredAsync(world.Db, 6, "你心中的“绝顶”是一个什么样的目标？", "考研。");
        await world.StopBotAsync();

        // The schema as it was before 0006: no intention columns, the migration not yet applied.
        await world.Db.ExecuteAsync("ALTER TABLE content_items DROP COLUMN intention");
        await world.Db.ExecuteAsync("ALTER TABLE deliveries DROP COLUMN intention");
        await world.Db.ExecuteAsync("DELETE FROM schema_migrations WHERE version = 6");
        await world.StartBotAsync();

        var marked = await world.Db.QueryAsync<string>("SELECT prompt FROM content_items WHERE intention = 1");
        var shipped = ShippedPacks.Load().SelectMany(p => p.Items).Where(i => i.Intention).Select(i => i.Prompt.Trim());
        Assert.Equal(shipped.Order(StringComparer.Ordinal), marked.Order(StringComparer.Ordinal));

        var entries = await world.Get<ReflectionStore>().ListAllAsync(42, CancellationToken.None);
        Assert.Equal([("先做十道题。", true), ("考研。", false)], entries.Select(e => (e.Text, e.Intention)));
    }
}
