using System.Text;
using System.Text.RegularExpressions;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Groups;

public sealed class GroupPackTests
{
    private const long OrganizerA = 501;
    private const long OrganizerB = 502;

    private static string Pack(string name, string quote) => $"""
        pack: {name}
        language: zh-CN
        start: 2026-12-01
        items:
          - theme: 好学
            quote: "{quote}"
            source: 《论语·学而》
            prompt: 今天你复习了什么？
        """;

    private static async Task<string> UploadAsync(TestWorld world, long organizer, string fileName, string content, string? caption = null)
    {
        var before = world.Api.SentTo(organizer).Count;
        world.Api.SendsDocument(organizer, fileName, Encoding.UTF8.GetBytes(content), caption, fromId: organizer);
        return (await world.Api.WaitForNthMessageAsync(organizer, before + 1)).Text;
    }

    [Fact]
    public async Task An_organizers_pack_is_their_groups_own_and_never_replaces_another_groups()
    {
        await using var world = await TestWorld.StartAsync();
        var joins = new Dictionary<long, string>();
        foreach (var (name, organizer) in new[] { ("Branch A", OrganizerA), ("Branch B", OrganizerB) })
        {
            var created = await world.Learner(TestWorld.AdminId).SendAsync("/newgroup " + name);
            await world.Learner(organizer).SendAsync("/start o_" + Regex.Match(created.Text, "o_([a-z2-7]+)").Groups[1].Value);
            joins[organizer] = "/start j_" + Regex.Match(created.Text, "j_([a-z2-7]+)").Groups[1].Value;
        }

        var a = await UploadAsync(world, OrganizerA, "week1.yaml", Pack("week1", "学而时习之，不亦说乎？"));
        Assert.Contains("Branch A", a, StringComparison.Ordinal);
        var b = await UploadAsync(world, OrganizerB, "week1.yaml", Pack("week1", "温故而知新，可以为师矣。"), caption: "activate=no");
        Assert.Contains("pack=week1", b, StringComparison.Ordinal);
        await UploadAsync(world, OrganizerB, "only-b.yaml", Pack("only-b", "温故而知新，可以为师矣。"), caption: "activate=no");

        Assert.Equal(3, await world.Db.CountAsync("packs", "group_id <> 0"));
        Assert.Equal(2, await world.Db.CountAsync("packs", "name = 'week1'"));
        Assert.Equal(1, await world.Db.CountAsync("study_groups", "name = 'Branch A' AND pack_name = 'week1'"));
        Assert.Equal(1, await world.Db.CountAsync("study_groups", "name = 'Branch B' AND pack_name IS NULL"));
        Assert.Equal(1, await world.Db.CountAsync("packs", "name = 'classics-zh' AND group_id = 0"));

        // B takes its own week1; A cannot name a pack that only B has.
        Assert.Contains("pack=week1", (await world.Learner(OrganizerB).SendAsync("/groupset pack=week1")).Text, StringComparison.Ordinal);
        Assert.Contains("only-b", (await world.Learner(OrganizerA).SendAsync("/groupset pack=only-b")).Text, StringComparison.Ordinal);
        Assert.Equal(1, await world.Db.CountAsync("study_groups", "name = 'Branch A' AND pack_name = 'week1'"));

        // Each group's members get their own group's item.
        await world.Learner(11).SendAsync(joins[OrganizerA]);
        await world.Learner(21).SendAsync(joins[OrganizerB]);
        Assert.Contains("学而时习之", (await world.Learner(11).SendAsync("/today")).Text, StringComparison.Ordinal);
        Assert.Contains("温故而知新", (await world.Learner(21).SendAsync("/today")).Text, StringComparison.Ordinal);
    }
}
