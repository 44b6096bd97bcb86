using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using DocumentFormat.OpenXml.Wordprocessing;
using StudyBot.Reflections;

namespace StudyBot.Tests.Reflections;

public sealed class SummaryDocumentTests
{
    private static readonly SummaryTexts English = new("en", "Study summary: Ada", "Period: {0} – {1}", "— ", "Next steps", "Nothing yet.");
    private static readonly SummaryTexts Chinese = new("zh-CN", "学习心得：小李", "时间：{0} 至 {1}", "——", "下一步", "暂无。");

    private static int nextId;

    private static ReflectionEntry Entry(string date, string theme, string quote, string text, string prompt = "Describe it.", string source = "Source", bool intention = false) => new()
    {
        Id = Interlocked.Increment(ref nextId),
        LocalDate = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture),
        CreatedUtc = DateTime.SpecifyKind(DateTime.Parse(date, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc),
        Theme = theme,
        Quote = quote,
        Source = source,
        Prompt = prompt,
        Text = text,
        Intention = intention,
    };

    // Out of date order on purpose: the document orders by date, themes by first appearance.
    private static readonly ReflectionEntry[] Sample =
    [
        Entry("2026-12-09", "Duty", "Men exist for the sake of one another.", "Helped Li with the proof.", source: "Marcus Aurelius, Meditations 8"),
        Entry("2026-12-07", "Duty", "Men exist for the sake of one another.", "Explained recursion to Wang.\nIt took two tries.", source: "Marcus Aurelius, Meditations 8"),
        Entry("2026-12-08", "Learning", "It is impossible to learn what one thinks one knows.", "I thought I knew SQL joins.", source: "Epictetus II.17"),
        Entry("2026-12-10", "Duty", "No one can live happily who has regard to himself alone.", "I will share my notes on Friday.", "What will you share this week?", "Seneca 48", intention: true),
        Entry("2026-12-11", "Learning", "It is impossible to learn what one thinks one knows.", "Tomorrow: *one* page of <SQL> # practice.", "Which one thing will you try tomorrow?", "Epictetus II.17", intention: true),
    ];

    private static int Occurrences(string text, string part) => text.Split(part).Length - 1;

    [Fact]
    public void Build_groups_by_theme_then_quotation_with_reflections_in_date_order()
    {
        var document = SummaryDocument.Build(Sample, English)!;

        Assert.Equal(new DateOnly(2026, 12, 7), document.First);
        Assert.Equal(new DateOnly(2026, 12, 11), document.Last);
        Assert.Equal("Period: 2026-12-07 – 2026-12-11", document.PeriodLine);
        Assert.Equal(["Duty", "Learning"], document.Themes.Select(t => t.Name));

        var duty = Assert.Single(document.Themes[0].Quotations);
        Assert.Equal("Men exist for the sake of one another.", duty.Quote);
        Assert.Equal("Marcus Aurelius, Meditations 8", duty.Source);
        Assert.Equal(["Explained recursion to Wang.\nIt took two tries.", "Helped Li with the proof."], duty.Reflections.Select(r => r.Text));

        var learning = Assert.Single(document.Themes[1].Quotations);
        Assert.Equal(["I thought I knew SQL joins."], learning.Reflections.Select(r => r.Text));
    }

    [Fact]
    public void An_answer_to_an_intention_prompt_is_only_under_next_steps()
    {
        var document = SummaryDocument.Build(Sample, English)!;

        var underThemes = document.Themes.SelectMany(t => t.Quotations).SelectMany(q => q.Reflections).Select(r => r.Text).ToList();
        Assert.DoesNotContain("I will share my notes on Friday.", underThemes);
        Assert.DoesNotContain("Tomorrow: *one* page of <SQL> # practice.", underThemes);

        // The Seneca quotation was answered only with an intention: it is not left under Duty with nothing below it.
        Assert.DoesNotContain(document.Themes.SelectMany(t => t.Quotations), q => q.Source == "Seneca 48");
    }

    [Fact]
    public void Next_steps_are_the_reflections_on_the_items_marked_as_intentions()
    {
        var document = SummaryDocument.Build(Sample, English)!;

        Assert.Equal(["I will share my notes on Friday.", "Tomorrow: *one* page of <SQL> # practice."], document.NextSteps.Select(s => s.Text));
    }

    [Fact]
    public void Nothing_to_build_without_reflections()
    {
        Assert.Null(SummaryDocument.Build([], English));
    }

    [Fact]
    public void Markdown_has_title_period_theme_sections_quotations_and_next_steps_with_the_learners_text_escaped()
    {
        var markdown = SummaryMarkdown.Render(SummaryDocument.Build(Sample, English)!);

        Assert.StartsWith("# Study summary: Ada\n\nPeriod: 2026-12-07 – 2026-12-11\n\n## Duty\n\n> Men exist for the sake of one another.\n>\n> — Marcus Aurelius, Meditations 8\n\n**2026-12-07**\n\nExplained recursion to Wang.\n\nIt took two tries.\n\n**2026-12-09**\n\nHelped Li with the proof.\n\n", markdown);
        Assert.True(markdown.IndexOf("## Learning", StringComparison.Ordinal) < markdown.IndexOf("## Next steps", StringComparison.Ordinal));
        Assert.EndsWith("## Next steps\n\n- **2026-12-10** I will share my notes on Friday.\n- **2026-12-11** Tomorrow: \\*one\\* page of \\<SQL\\> # practice.\n", markdown);
        Assert.Equal(1, Occurrences(markdown, "I will share my notes on Friday."));
        Assert.Equal(1, Occurrences(markdown, "Tomorrow: \\*one\\* page"));
        Assert.DoesNotContain("Seneca 48", markdown);
    }

    [Theory]
    [InlineData("# not a heading", "\\# not a heading")]
    [InlineData("- not a list", "\\- not a list")]
    [InlineData("1. not a list", "1\\. not a list")]
    [InlineData("> not a quote", "\\> not a quote")]
    [InlineData("a_b*c", "a\\_b\\*c")]
    [InlineData("学而时习之", "学而时习之")]
    public void Markdown_keeps_a_learners_symbols_as_text(string text, string expected)
    {
        Assert.Equal(expected, SummaryMarkdown.Inline(text));
    }

    [Fact]
    public void Markdown_without_intentions_says_so_under_next_steps()
    {
        var markdown = SummaryMarkdown.Render(SummaryDocument.Build(Sample.Take(3), Chinese)!);

        Assert.EndsWith("## 下一步\n\n暂无。\n", markdown);
        Assert.Contains("> ——Marcus Aurelius, Meditations 8", markdown);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("zh-CN")]
    public void Docx_is_valid_open_xml(string language)
    {
        var entries = Sample.Append(Entry("2026-12-12", "学习", "学而时习之，不亦说乎？", "控制字符\u0001也不会\u0008坏掉文档 😀", source: "《论语·学而》"));
        var bytes = SummaryDocx.Render(SummaryDocument.Build(entries, language == "en" ? English : Chinese)!);

        using var package = WordprocessingDocument.Open(new MemoryStream(bytes), false);
        var errors = new OpenXmlValidator().Validate(package).ToList();

        Assert.True(errors.Count == 0, string.Join('\n', errors.Select(e => $"{e.Path?.XPath}: {e.Description}")));
    }

    [Fact]
    public void Docx_read_back_has_title_theme_sections_quotations_reflections_and_next_steps_in_order()
    {
        var bytes = SummaryDocx.Render(SummaryDocument.Build(Sample, English)!);

        using var package = WordprocessingDocument.Open(new MemoryStream(bytes), false);
        var paragraphs = package.MainDocumentPart!.Document!.Body!.Elements<Paragraph>()
            .Select(p => (Style: p.ParagraphProperties?.ParagraphStyleId?.Val?.Value, Text: p.InnerText))
            .ToList();

        Assert.Equal("Study summary: Ada", package.PackageProperties.Title);
        Assert.Equal(("Title", "Study summary: Ada"), paragraphs[0]);
        Assert.Equal((null, "Period: 2026-12-07 – 2026-12-11"), paragraphs[1]);
        Assert.Equal(["Duty", "Learning", "Next steps"], paragraphs.Where(p => p.Style == "Heading1").Select(p => p.Text));
        Assert.Equal(
            ["Men exist for the sake of one another.", "— Marcus Aurelius, Meditations 8", "It is impossible to learn what one thinks one knows.", "— Epictetus II.17"],
            paragraphs.Where(p => p.Style == "Quote").Select(p => p.Text));

        var texts = paragraphs.Select(p => p.Text).ToList();
        int At(string text) => texts.IndexOf(text);
        Assert.True(At("Duty") < At("Men exist for the sake of one another.")
            && At("Men exist for the sake of one another.") < At("Explained recursion to Wang.")
            && At("Explained recursion to Wang.") < At("It took two tries.")
            && At("It took two tries.") < At("Helped Li with the proof.")
            && At("Helped Li with the proof.") < At("Learning")
            && At("Learning") < At("I thought I knew SQL joins."));
        var nextSteps = texts.Skip(At("Next steps")).ToList();
        Assert.Equal(["Next steps", "2026-12-10", "I will share my notes on Friday.", "2026-12-11", "Tomorrow: *one* page of <SQL> # practice."], nextSteps);
        Assert.Single(texts, t => t == "I will share my notes on Friday.");
        Assert.Single(texts, t => t == "Tomorrow: *one* page of <SQL> # practice.");
    }

    [Fact]
    public void Docx_in_Chinese_sets_the_chinese_language_and_font()
    {
        var bytes = SummaryDocx.Render(SummaryDocument.Build(Sample, Chinese)!);

        using var package = WordprocessingDocument.Open(new MemoryStream(bytes), false);
        var defaults = package.MainDocumentPart!.StyleDefinitionsPart!.Styles!.DocDefaults!.RunPropertiesDefault!.RunPropertiesBaseStyle!;
        Assert.Equal("zh-CN", defaults.GetFirstChild<Languages>()!.Val!.Value);
        Assert.Equal("SimSun", defaults.GetFirstChild<RunFonts>()!.EastAsia!.Value);
        Assert.Equal("学习心得：小李", package.MainDocumentPart.Document!.Body!.Elements<Paragraph>().First().InnerText);
    }

    // The composer's draft: Learning first, then Duty with its later reflection first; the intention
    // answer on Seneca's quotation placed between the two on Marcus Aurelius's.
    private static SummaryDocument Composed() =>
        SummaryDocument.Compose(Sample, [new(" Knowing less ", [Sample[2].Id]), new("Duty", [Sample[0].Id, Sample[3].Id, Sample[1].Id, 999_999])], English with { Title = "What I learned" })!
        with
        { Opening = "I studied for a week.", WrittenNextSteps = "Share notes on Friday.\nPractise SQL.", Closing = "Thanks to my group." };

    [Fact]
    public void Compose_numbers_the_insights_in_the_chosen_order_and_opens_a_quotation_wherever_it_changes()
    {
        var document = Composed();

        Assert.Equal(["1. Knowing less", "2. Duty"], document.Themes.Select(t => t.Heading));
        Assert.Equal(
            ["Men exist for the sake of one another.", "No one can live happily who has regard to himself alone.", "Men exist for the sake of one another."],
            document.Themes[1].Quotations.Select(q => q.Quote));
        Assert.Equal(["Helped Li with the proof.", "I will share my notes on Friday.", "Explained recursion to Wang.\nIt took two tries."],
            document.Themes[1].Quotations.SelectMany(q => q.Reflections).Select(r => r.Text));
        Assert.Equal((new DateOnly(2026, 12, 7), new DateOnly(2026, 12, 10)), (document.First, document.Last));
        Assert.Empty(document.NextSteps);
        Assert.Equal("study-summary-2026-12-10", document.FileName);
    }

    [Fact]
    public void Compose_without_a_chosen_reflection_takes_the_period_of_all_and_without_any_reflection_builds_nothing()
    {
        var document = SummaryDocument.Compose(Sample, [new("Empty for now", [])], English)!;

        Assert.Equal((new DateOnly(2026, 12, 7), new DateOnly(2026, 12, 11)), (document.First, document.Last));
        Assert.Empty(Assert.Single(document.Themes).Quotations);
        Assert.Null(SummaryDocument.Compose([], [new("Nothing", [])], English));
    }

    [Fact]
    public void A_composed_summary_in_markdown_has_the_opening_numbered_insights_the_written_next_steps_and_the_closing()
    {
        var markdown = SummaryMarkdown.Render(Composed());

        Assert.StartsWith("# What I learned\n\nPeriod: 2026-12-07 – 2026-12-10\n\nI studied for a week.\n\n## 1. Knowing less\n\n> It is impossible", markdown);
        Assert.Contains("\n## 2. Duty\n\n> Men exist", markdown);
        Assert.EndsWith("## Next steps\n\nShare notes on Friday.\n\nPractise SQL.\n\nThanks to my group.\n\n", markdown);
        Assert.DoesNotContain("Nothing yet.", markdown);
    }

    [Fact]
    public void A_composed_summary_in_docx_is_valid_and_says_the_same_in_the_same_order()
    {
        var bytes = SummaryDocx.Render(Composed());

        using var package = WordprocessingDocument.Open(new MemoryStream(bytes), false);
        Assert.Empty(new OpenXmlValidator().Validate(package));
        var paragraphs = package.MainDocumentPart!.Document!.Body!.Elements<Paragraph>()
            .Select(p => (Style: p.ParagraphProperties?.ParagraphStyleId?.Val?.Value, Text: p.InnerText))
            .ToList();
        Assert.Equal(("Title", "What I learned"), paragraphs[0]);
        Assert.Equal("I studied for a week.", paragraphs[2].Text);
        Assert.Equal(["1. Knowing less", "2. Duty", "Next steps"], paragraphs.Where(p => p.Style == "Heading1").Select(p => p.Text));
        Assert.Equal(["Next steps", "Share notes on Friday.", "Practise SQL.", "Thanks to my group."], paragraphs.SkipWhile(p => p.Text != "Next steps").Select(p => p.Text));
    }
}
