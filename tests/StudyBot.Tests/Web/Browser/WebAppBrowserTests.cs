using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using DocumentFormat.OpenXml.Wordprocessing;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Web.Browser;

// The web app in a real headless Chromium against the real host the test world runs: what a
// learner and an organizer click, and what arrives (the .docx, the fake Bot API's messages). One
// browser for the class; xunit runs its tests one after another.
[Trait("Category", "Browser")]
public sealed class WebAppBrowserTests(Browser browser) : IClassFixture<Browser>
{
    private ChromeDriver Driver => browser.Driver;

    [Fact]
    public async Task A_learner_signs_in_by_link_edits_a_reflection_composes_two_insights_and_downloads_the_docx()
    {
        var (world, answers) = await SummaryComposerApiTests.MemberWithAWeekAsync();
        await using var _ = world;
        var studied = answers.Where(a => a.Intention == 0).ToList();
        var (first, second) = (studied[^1], studied[0]);
        const string Edited = "On second thought: listening comes first.";
        await browser.SignInByLinkAsync(world, world.Learner(SummaryComposerApiTests.Member));

        // The journal: edit the reflection that goes first.
        var entry = browser.Until(d => d.FindElements(By.CssSelector("#entries > li")).SingleOrDefault(li => li.FindElement(By.CssSelector(".text")).Text == first.Text), "the reflection in the journal");
        entry.FindElement(By.CssSelector(".start-edit")).Click();
        var area = entry.FindElement(By.CssSelector(".edit textarea"));
        area.Clear();
        area.SendKeys(Edited);
        entry.FindElement(By.CssSelector(".edit .save")).Click();
        browser.Until(d => browser.Texts("#entries > li .text").Contains(Edited), "the edited reflection in the journal");
        Assert.Equal(Edited, await world.Db.ScalarAsync<string>("SELECT text FROM reflections WHERE id = @Id", new { first.Id }));

        // The composer: the suggested insights out, two of the learner's own in, in this order.
        browser.Open("composer");
        browser.Until(d => d.FindElements(By.CssSelector("#insights > li")).Count > 0, "the starting draft's insights");
        for (var left = Driver.FindElements(By.CssSelector("#insights > li")).Count; left > 0; left--)
        {
            Driver.FindElement(By.CssSelector("#insights > li > div > .remove")).Click();
            browser.Until(d => d.FindElements(By.CssSelector("#insights > li")).Count == left - 1, "an insight to go");
        }

        foreach (var (title, reflection, n) in new[] { ("倾听", first, 1), ("为民之道", second, 2) })
        {
            Driver.FindElement(By.Id("add-insight")).Click();
            var insight = browser.Until(d => d.FindElements(By.CssSelector("#insights > li")).ElementAtOrDefault(n - 1), "a new insight");
            insight.FindElement(By.CssSelector(".insight-title")).SendKeys(title);
            new SelectElement(insight.FindElement(By.CssSelector("select.pick"))).SelectByValue(reflection.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            browser.Until(d => d.FindElements(By.CssSelector("#insights > li"))[n - 1].FindElements(By.CssSelector(".picked .text")).Count == 1, "the reflection picked");
        }

        browser.Until(d => browser.Texts("#preview h4").SequenceEqual(["1. 倾听", "2. 为民之道", "下一步"]), "the saved draft's preview");
        Assert.Equal([Edited, second.Text], browser.Texts("#preview p.text").Where(t => t == Edited || t == second.Text));
        browser.Screenshot("composer");

        Driver.FindElement(By.Id("download-docx")).Click();
        var file = browser.Until(_ => Directory.GetFiles(browser.Downloads, "*.docx").SingleOrDefault(), "the .docx download");
        Assert.Matches(@"study-summary-2026-12-\d\d\.docx$", file);
        using var package = WordprocessingDocument.Open(new MemoryStream(await File.ReadAllBytesAsync(file)), false);
        Assert.Empty(new OpenXmlValidator().Validate(package));
        var paragraphs = package.MainDocumentPart!.Document!.Body!.Elements<Paragraph>()
            .Select(p => (Style: p.ParagraphProperties?.ParagraphStyleId?.Val?.Value, Text: p.InnerText)).ToList();
        var texts = paragraphs.Select(p => p.Text).ToList();
        Assert.Equal(["1. 倾听", "2. 为民之道", "下一步"], paragraphs.Where(p => p.Style == "Heading1").Select(p => p.Text));
        Assert.Equal([first.Quote, "——" + first.Source, second.Quote, "——" + second.Source], paragraphs.Where(p => p.Style == "Quote").Select(p => p.Text));
        Assert.True(texts.IndexOf("1. 倾听") < texts.IndexOf(Edited) && texts.IndexOf(Edited) < texts.IndexOf("2. 为民之道") && texts.IndexOf("2. 为民之道") < texts.IndexOf(second.Text));
        Assert.All(answers.Except([first, second]), a => Assert.DoesNotContain(a.Text, texts));
        Assert.DoesNotContain(first.Text, texts);
    }

    [Fact]
    public async Task An_organizer_sees_the_member_grid_nudges_the_two_who_have_not_answered_and_features_a_shared_reflection()
    {
        await using var course = await OrganizerOnTheDashboardAsync();
        var world = course.World;

        // The course from its start on the 3rd to today, the 7th.
        Assert.Equal(["Ann", "Bo", "Cy"], browser.Texts("#grid tr td:first-child"));
        Assert.Equal(
            ["x o o m o", "x o x x ", "x x x x "],
            Driver.FindElements(By.CssSelector("#grid tr")).Skip(1).Select(row => string.Join(' ', row.FindElements(By.CssSelector("td")).Skip(1).Select(td => td.GetAttribute("class")))));
        Assert.Equal(5, Driver.FindElements(By.CssSelector("#chart rect.due")).Count);

        // Not answered today: Bo and Cy, each nudged by their own button.
        var unanswered = browser.Until(d => d.FindElements(By.CssSelector("#unanswered > li")) is { Count: 2 } items ? items : null, "who has not answered");
        Assert.Equal(["Bo", "Cy"], unanswered.Select(li => li.Text.Split(' ')[0]));
        browser.Screenshot("dashboard");
        foreach (var (name, chatId) in new[] { ("Bo", DashboardApiTests.Bo), ("Cy", DashboardApiTests.Cy) })
        {
            Driver.FindElements(By.CssSelector("#unanswered > li")).Single(li => li.Text.StartsWith(name, StringComparison.Ordinal)).FindElement(By.TagName("button")).Click();
            browser.Until(d => d.FindElements(By.CssSelector("#unanswered > li")).Single(li => li.Text.StartsWith(name, StringComparison.Ordinal)).FindElements(By.TagName("button")).Count == 0, name + " nudged");
            await world.Api.WaitForMessageAsync(chatId, m => m.Text.StartsWith('⏰'));
        }

        Assert.False(Driver.FindElement(By.Id("nudge-all")).Displayed);
        await world.OutboxDrainedAsync();
        foreach (var member in new[] { DashboardApiTests.Ann, DashboardApiTests.Dee })
        {
            Assert.DoesNotContain(world.Api.SentTo(member), m => m.Text.StartsWith('⏰'));
        }

        // The wall of today: Ann's shared reflection, featured.
        var shared = browser.Until(d => d.FindElements(By.CssSelector("#wall > li")).SingleOrDefault(), "the wall");
        Assert.Equal($"Today's insight of {DashboardApiTests.Ann} <script>alert(1)</script>", shared.FindElement(By.CssSelector(".text")).Text);
        shared.FindElement(By.CssSelector(".feature")).Click();
        browser.Until(d => d.FindElement(By.CssSelector("#wall > li .meta")).Text.Contains('★', StringComparison.Ordinal), "the reflection featured");
        Assert.False(Driver.FindElement(By.CssSelector("#wall > li .feature")).Displayed);
        await world.Api.WaitForMessageAsync(DashboardApiTests.Ann, m => m.Text.Contains("精选", StringComparison.Ordinal));
        Assert.Equal(1, await world.Db.CountAsync("reflections", $"featured_utc IS NOT NULL AND id = {course.AnnToday}"));
    }

    [Fact]
    public async Task An_organizer_previews_a_broadcast_sends_it_sees_it_done_and_changes_a_setting()
    {
        await using var course = await DashboardApiTests.CourseAsync();
        var world = course.World;
        const string Notice = "Meet at 19:00 <b>sharp</b>.";
        await browser.SignInByLinkAsync(world, world.Learner(DashboardApiTests.OrganizerA));
        browser.Open("dashboard");

        Driver.FindElement(By.Id("broadcast-text")).SendKeys(Notice);
        Driver.FindElement(By.CssSelector("#broadcast button[type=submit]")).Click();
        browser.Until(d => d.FindElement(By.Id("broadcast-preview")).Displayed, "the broadcast's preview");
        Assert.Equal(Notice, Driver.FindElement(By.Id("broadcast-shown")).Text);
        Assert.Contains("3", Driver.FindElement(By.Id("broadcast-recipients")).Text, StringComparison.Ordinal);
        Assert.Equal(0, await world.Db.CountAsync("outbox", "kind = 'broadcast'"));
        browser.Screenshot("broadcast-preview", showing: "broadcast");

        Driver.FindElement(By.Id("broadcast-send")).Click();
        browser.Until(d => d.FindElement(By.Id("broadcast-progress")).Text.Contains("送达 3", StringComparison.Ordinal), "the broadcast done");
        foreach (var member in new[] { DashboardApiTests.Ann, DashboardApiTests.Bo, DashboardApiTests.Cy })
        {
            Assert.Single(await world.Api.WaitUntilAsync(() => world.Api.SentTo(member).Where(m => m.Text == Notice).ToList() is { Count: > 0 } copies ? copies : null));
        }

        Assert.False(Driver.FindElement(By.Id("broadcast-preview")).Displayed);

        // Settings: the make-up window, changed in the form and saved as /groupset saves it.
        var makeup = browser.Until(d => d.FindElements(By.CssSelector("#settings-fields [data-key=makeup]")).SingleOrDefault(), "the settings form");
        makeup.Clear();
        makeup.SendKeys("9");
        Driver.FindElement(By.CssSelector("#settings button[type=submit]")).Click();
        browser.Until(d => d.FindElements(By.CssSelector("#settings-problems li")).Count == 1, "the refused value");
        Assert.Contains("makeup", Driver.FindElement(By.CssSelector("#settings-problems li")).Text, StringComparison.Ordinal);
        makeup = Driver.FindElement(By.CssSelector("#settings-fields [data-key=makeup]"));
        makeup.Clear();
        makeup.SendKeys("4");
        Driver.FindElement(By.CssSelector("#settings button[type=submit]")).Click();
        browser.Until(d => d.FindElements(By.CssSelector("#settings-problems li")).Count == 0 && d.FindElement(By.Id("settings-result")).Text == "已保存。", "the setting saved");
        Assert.Equal(4, await world.Db.ScalarAsync<long>($"SELECT makeup_days FROM study_groups WHERE id = {course.A}"));
    }

    [Fact]
    public async Task An_organizer_downloads_the_report_and_the_export_of_the_range_shown()
    {
        await using var course = await OrganizerOnTheDashboardAsync();
        var world = course.World;

        Driver.FindElement(By.Id("download-report")).Click();
        var report = browser.Until(_ => Directory.GetFiles(browser.Downloads, "participation_*.xlsx").SingleOrDefault(), "the report's download");
        Assert.EndsWith("participation_2026-12-03_2026-12-07.xlsx", report, StringComparison.Ordinal);
        using (var workbook = SpreadsheetDocument.Open(new MemoryStream(await File.ReadAllBytesAsync(report)), false))
        {
            Assert.Empty(new OpenXmlValidator().Validate(workbook));
        }

        Driver.FindElement(By.Id("download-export-csv")).Click();
        var export = browser.Until(_ => Directory.GetFiles(browser.Downloads, "reflections_*.csv").SingleOrDefault(), "the export's download");
        Assert.EndsWith("reflections_2026-12-04_2026-12-07.csv", export, StringComparison.Ordinal);
        Assert.Contains("Today's insight of", await File.ReadAllTextAsync(export), StringComparison.Ordinal);
        Assert.Equal(2, await world.Db.CountAsync("audit", $"action IN ('report', 'exportall') AND user_id = {DashboardApiTests.OrganizerA}"));
    }

    [Fact]
    public async Task A_reflection_with_markup_is_shown_as_text_and_runs_nothing()
    {
        const string Markup = """Mine: <script>alert(1)</script> and "><img src=x onerror=alert(2)>""";
        await using var world = await TestWorld.StartAsync(settings: s => s["App:PublicUrl"] = WebAppClient.PublicUrl);
        var learner = world.Learner(11);
        await learner.SendAsync("/start");
        await learner.SendAsync("/today");
        await learner.SendAsync(Markup);
        await browser.SignInByLinkAsync(world, learner);

        browser.Until(d => browser.Texts("#entries > li .text").SequenceEqual([Markup]), "the reflection in the journal");
        Assert.Equal(Markup, Driver.FindElement(By.CssSelector("#entries > li .text")).GetDomProperty("textContent"));
        browser.Open("composer");
        browser.Until(d => browser.Texts("#preview p.text").Contains(Markup), "the reflection in the preview");

        Assert.Empty(Driver.FindElements(By.TagName("img")));
        Assert.Equal(1L, Driver.ExecuteScript("return document.scripts.length"));
        Assert.Throws<NoAlertPresentException>(() => Driver.SwitchTo().Alert());
    }

    [Fact]
    public async Task A_second_user_in_the_same_browser_sees_only_their_own_journal_and_cannot_change_the_firsts()
    {
        await using var world = await TestWorld.StartAsync(settings: s => s["App:PublicUrl"] = WebAppClient.PublicUrl);
        foreach (var chatId in new long[] { 11, 12 })
        {
            await world.Learner(chatId).SendAsync("/start");
            await world.Learner(chatId).SendAsync("/today");
            await world.Learner(chatId).SendAsync($"Only for {chatId}'s eyes");
        }

        var firstsId = await world.Db.ScalarAsync<long>("SELECT id FROM reflections WHERE chat_id = 11");
        await browser.SignInByLinkAsync(world, world.Learner(11));
        browser.Until(d => browser.Texts("#entries > li .text").SequenceEqual(["Only for 11's eyes"]), "the first's journal");
        Driver.FindElement(By.Id("signout")).Click();
        browser.Until(d => !d.FindElement(By.Id("views")).Displayed, "the page signed out");

        await browser.SignInByLinkAsync(world, world.Learner(12));
        browser.Until(d => browser.Texts("#entries > li .text").SequenceEqual(["Only for 12's eyes"]), "the second's journal");
        Assert.DoesNotContain("Only for 11", Driver.PageSource, StringComparison.Ordinal);
        Assert.DoesNotContain("Only for 11", browser.Fetch("GET", "api/summary").Body, StringComparison.Ordinal);
        Assert.Equal(404, browser.Fetch("PUT", $"api/journal/{firstsId}", """{"text":"Taken over"}""").Status);
        Assert.Equal("Only for 11's eyes", await world.Db.ScalarAsync<string>($"SELECT text FROM reflections WHERE id = {firstsId}"));
    }

    // DashboardApiTests' course, its group A's organizer signed in by link and shown the dashboard
    // of the course so far (its three members).
    private async Task<DashboardApiTests.Course> OrganizerOnTheDashboardAsync()
    {
        var course = await DashboardApiTests.CourseAsync();
        await browser.SignInByLinkAsync(course.World, course.World.Learner(DashboardApiTests.OrganizerA));
        browser.Open("dashboard");
        browser.Until(d => d.FindElements(By.CssSelector("#grid tr")).Count == 4, "the member grid");
        return course;
    }
}
