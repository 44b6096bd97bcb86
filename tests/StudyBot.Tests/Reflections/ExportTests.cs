using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using DocumentFormat.OpenXml.Wordprocessing;
using StudyBot.FakeBotApi;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Reflections;

public sealed class ExportTests
{
    // Sunday 2026-12-06 22:00 UTC = Monday 06:00 in Shanghai, before the 08:00 slot.
    private static readonly DateTimeOffset MondayMorning = new(2026, 12, 6, 22, 0, 0, TimeSpan.Zero);

    // 08:00 in Shanghai on a December day = 00:00 UTC.
    private static DateTimeOffset ShanghaiEight(int day) => new(2026, 12, day, 0, 0, 0, TimeSpan.Zero);

    // Answers the prompt of each day from the 7th to the last day, one reflection a day.
    private static async Task<List<string>> AnswerDailyAsync(TestWorld world, TestLearner learner, int lastDay)
    {
        var answers = new List<string>();
        await learner.SendAsync("/today");
        for (var day = 7; day <= lastDay; day++)
        {
            if (day > 7)
            {
                await world.AdvanceToAsync(ShanghaiEight(day));
                await learner.NextAsync(learner.Received - 1);
            }

            var answer = $"Day {day}: what I took from it.\nA second line on day {day}.";
            await learner.SendAsync(answer);
            answers.Add(answer);
        }

        return answers;
    }

    private static List<(string? Style, string Text)> Paragraphs(byte[] docx)
    {
        using var package = WordprocessingDocument.Open(new MemoryStream(docx), false);
        Assert.Empty(new OpenXmlValidator().Validate(package));
        return package.MainDocumentPart!.Document!.Body!.Elements<Paragraph>()
            .Select(p => (p.ParagraphProperties?.ParagraphStyleId?.Val?.Value, p.InnerText))
            .ToList();
    }

    private static async Task<(SentMessage Docx, SentMessage Markdown)> ExportAsync(TestWorld world, TestLearner learner)
    {
        var before = learner.Received;
        world.Api.UserSends(learner.ChatId, "/export");
        var docx = await learner.NextAsync(before);
        var markdown = await learner.NextAsync(before + 1);
        return (docx, markdown);
    }

    [Fact]
    public async Task Export_sends_a_docx_and_a_markdown_summary_grouped_by_theme_with_next_steps_in_chinese()
    {
        await using var world = await TestWorld.StartAsync(MondayMorning);
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        var answers = await AnswerDailyAsync(world, learner, lastDay: 12);

        var (docx, markdown) = await ExportAsync(world, learner);

        Assert.Equal("sendDocument", docx.Method);
        Assert.Equal("study-summary-2026-12-12.docx", docx.FileName);
        Assert.Equal("study-summary-2026-12-12.md", markdown.FileName);
        Assert.Equal("你的学习心得初稿（2026-12-07 至 2026-12-12），共 6 条感想。.md 文件内容相同。", docx.Caption);

        var deliveries = await world.Db.QueryAsync<(string Theme, string Quote, string Source, string Prompt)>(
            "SELECT theme, quote, source, prompt FROM deliveries WHERE chat_id = 42 ORDER BY local_date");
        var paragraphs = Paragraphs(docx.FileContent!);
        var texts = paragraphs.Select(p => p.Text).ToList();
        Assert.Equal(("Title", "学习心得：Learner"), paragraphs[0]);
        Assert.Equal("时间：2026-12-07 至 2026-12-12", paragraphs[1].Text);

        var intentionPrompts = await world.Db.QueryAsync<string>("SELECT prompt FROM deliveries WHERE chat_id = 42 AND intention = 1");
        bool IsIntention(string prompt) => intentionPrompts.Contains(prompt);
        var answered = deliveries.Zip(answers).ToList();
        var intentions = answered.Where(x => IsIntention(x.First.Prompt)).ToList();
        var others = answered.Where(x => !IsIntention(x.First.Prompt)).ToList();
        Assert.NotEmpty(intentions);

        var themes = others.Select(x => x.First.Theme).Distinct().Append("下一步").ToList();
        Assert.Equal(themes, paragraphs.Where(p => p.Style == "Heading1").Select(p => p.Text));
        foreach (var (delivery, answer) in others)
        {
            var heading = texts.IndexOf(delivery.Theme);
            var quote = texts.IndexOf(delivery.Quote);
            var text = texts.IndexOf(answer.Split('\n')[0]);
            Assert.True(heading < quote && quote < text, $"{delivery.Theme}: heading {heading}, quotation {quote}, reflection {text}");
            Assert.Equal("——" + delivery.Source, texts[quote + 1]);
            Assert.Equal(answer.Split('\n')[1], texts[text + 1]);
        }

        var nextSteps = texts.Skip(texts.IndexOf("下一步") + 1).Where(t => t.StartsWith("Day ", StringComparison.Ordinal)).ToList();
        Assert.Equal(intentions.Select(x => x.Second.Split('\n')[0]), nextSteps);
        Assert.All(intentions, x => Assert.Single(texts, t => t == x.Second.Split('\n')[0]));

        var md = Encoding.UTF8.GetString(markdown.FileContent!);
        Assert.StartsWith("# 学习心得：Learner\n\n时间：2026-12-07 至 2026-12-12\n\n## ", md);
        Assert.All(answers, a => Assert.Single(md.Split('\n'), line => line.EndsWith(a.Split('\n')[0], StringComparison.Ordinal)));
        Assert.All(others, x => Assert.Contains("> " + x.First.Quote, md));
        Assert.Contains("\n## 下一步\n\n- **", md);
    }

    [Fact]
    public async Task Export_headings_follow_the_learners_language()
    {
        await using var world = await TestWorld.StartAsync(MondayMorning);
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/language en");
        var answers = await AnswerDailyAsync(world, learner, lastDay: 7);

        var (docx, markdown) = await ExportAsync(world, learner);

        var paragraphs = Paragraphs(docx.FileContent!);
        Assert.Equal(("Title", "Study summary: Learner"), paragraphs[0]);
        Assert.Equal("Period: 2026-12-07 to 2026-12-07", paragraphs[1].Text);
        Assert.Equal("Next steps", paragraphs.Last(p => p.Style == "Heading1").Text);
        Assert.Contains(paragraphs, p => p.Text == answers[0].Split('\n')[0]);
        Assert.Contains("Reflections: 1.", docx.Caption);
        Assert.Contains("## Next steps", Encoding.UTF8.GetString(markdown.FileContent!));
    }

    [Fact]
    public async Task Export_caption_gives_the_first_and_the_last_date_and_the_number_of_reflections()
    {
        await using var world = await TestWorld.StartAsync(MondayMorning);
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/language en");
        await AnswerDailyAsync(world, learner, lastDay: 9);

        var (docx, markdown) = await ExportAsync(world, learner);

        Assert.Equal("Draft of your study summary, 2026-12-07 to 2026-12-09. Reflections: 3. The .md file has the same text.", docx.Caption);
        Assert.Null(markdown.Caption);
    }

    [Fact]
    public async Task Export_with_nothing_to_export_explains_in_one_line()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/language en");

        var reply = await learner.SendAsync("/export");

        Assert.Equal("sendMessage", reply.Method);
        Assert.DoesNotContain('\n', reply.Text);
        Assert.Contains("no reflections to export", reply.Text);
        await learner.AssertNothingMoreAsync(3);
    }
}
