using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Audit;

public sealed class AuditTests
{
    private const long Admin = 900;

    [Fact]
    public async Task Every_admin_action_is_written_to_the_audit_table_with_who_when_and_what()
    {
        await using var world = await TestWorld.StartAsync();
        await world.Db.SeedLearnersAsync([1, 2]);
        var admin = world.Learner(Admin);

        world.Api.UserSends(Admin, "/broadcast 明天集体学习");
        var preview = await world.Api.WaitForNthMessageAsync(Admin, 2);
        world.Api.UserPresses(Admin, preview.MessageId, preview.Buttons[0].Data, fromId: Admin);
        await world.Api.WaitForMessageAsync(Admin, m => m.Text.Contains("已完成", StringComparison.Ordinal));

        world.Api.UserSends(Admin, "/broadcast 取消的通知");
        var second = await world.Api.WaitForMessageAsync(Admin, m => m.Buttons.Count == 2, skip: 1);
        world.Api.UserPresses(Admin, second.MessageId, second.Buttons[1].Data, fromId: Admin);
        await world.Api.WaitForMessageAsync(Admin, m => m.Text.Contains("已取消", StringComparison.Ordinal));

        await admin.SendAsync("/remind");
        await admin.SendAsync("/exportall 2026-12-01");
        world.Api.UserSends(Admin, "/stats");
        await world.Api.WaitForMessageAsync(Admin, m => m.Method == "sendPhoto");
        await TestWorld.EventuallyAsync(async () => await world.Db.CountAsync("audit") == 7, "the audit has every action");

        var rows = await world.Db.QueryAsync<(long UserId, string AtUtc, string Action, string? Details)>($"SELECT user_id, {TestDatabase.AsText("at_utc")}, action, details FROM audit ORDER BY id");
        Assert.Equal(
            new (string, string?)[]
            {
                ("broadcast.draft", "#1, 2 active subscribers"),
                ("broadcast.confirm", "#1, 2 recipients"),
                ("broadcast.draft", "#2, 2 active subscribers"),
                ("broadcast.cancel", "#2"),
                ("remind", "0 nudged"),
                ("exportall", "2026-12-01..…: 0 rows"),
                ("stats", null),
            },
            rows.Select(r => (r.Action, r.Details)));
        Assert.All(rows, r => Assert.Equal(Admin, r.UserId));
        Assert.All(rows, r => Assert.StartsWith("2026-12-07 02:00:00", r.AtUtc, StringComparison.Ordinal));
    }
}
