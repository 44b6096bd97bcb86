using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Telegram.Bot.Types;

namespace StudyBot.Bench;

// The web app's page as an organizer's browser gets it: its weight, and how long headless Chromium
// (Debian's chromium and chromium-driver) takes from asking for the dashboard's address to having
// the member grid and the completion chart drawn (the page's own "dashboard-rendered" mark, which
// counts from the start of the navigation). Signed in the browser's way: /web in the private chat,
// then the link the bot sent.
internal static partial class DashboardPage
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string DriverPath = "/usr/bin/chromedriver";
    private const int Renders = 5;
    private static readonly string[] PageFiles = ["", "app.js", "app.css"];

    public static async Task MeasureAsync(Report report, FakeTelegram fake, BotProcess bot, HttpClient http, long organizerId, int members)
    {
        var weight = 0L;
        foreach (var file in PageFiles)
        {
            weight += Gzipped(await http.GetByteArrayAsync("/app/" + file));
        }

        report.Figure("the page's own weight (index.html, app.js, app.css; gzip)", $"{weight / 1024.0:F1} KB", "< 200 KB", weight < 200 * 1024);

        if (!File.Exists(ChromiumPath) || !File.Exists(DriverPath))
        {
            report.Check("headless Chromium", false, $"{ChromiumPath} or {DriverPath} missing: apt-get install -y chromium chromium-driver");
            return;
        }

        var token = await SignInLinkAsync(fake, bot, organizerId);
        using var driver = StartChromium();
        var origin = http.BaseAddress!.ToString().TrimEnd('/');
        driver.Navigate().GoToUrl(origin + "/app/#login=" + token);
        Until(driver, d => d.FindElement(By.Id("views")).Displayed, "the page signed in by the link");

        // The first from a browser that has the page's files cached by now, as an organizer's has.
        var renders = new List<double>();
        for (var i = 0; i < Renders; i++)
        {
            driver.Navigate().GoToUrl("about:blank");
            driver.Navigate().GoToUrl(origin + "/app/#view=dashboard");
            var rendered = Until(driver, d => ((IJavaScriptExecutor)d).ExecuteScript(
                "const m = performance.getEntriesByName('dashboard-rendered'); return m.length ? m[0].startTime : null;"), "the dashboard drawn");
            renders.Add(Convert.ToDouble(rendered, CultureInfo.InvariantCulture));
        }

        // A row per member under the row of dates.
        var rows = driver.FindElements(By.CssSelector("#grid tr")).Count - 1;
        report.Check("the grid drawn with every member", rows == members, $"{rows:N0} member rows");
        var first = renders[0];
        renders.Sort();
        report.Figure(
            $"dashboard page, address to grid and chart drawn (headless Chromium, {Renders} loads)",
            $"first {first:F0} ms, median {renders[Renders / 2]:F0} ms, slowest {renders[^1]:F0} ms",
            "< 1,000 ms",
            renders[^1] < 1000);
    }

    private static async Task<string> SignInLinkAsync(FakeTelegram fake, BotProcess bot, long organizerId)
    {
        var link = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        fake.Observer = message =>
        {
            if (message.ChatId == organizerId && LinkToken().Match(message.Text) is { Success: true } match)
            {
                link.TrySetResult(match.Groups[1].Value);
            }
        };
        fake.Enqueue([new Update { Message = fake.UserText(organizerId, "/start") }, new Update { Message = fake.UserText(organizerId, "/web") }]);
        await bot.WaitAsync(link.Task, TimeSpan.FromSeconds(30), "the /web link");
        fake.Observer = null;
        return await link.Task;
    }

    private static ChromeDriver StartChromium()
    {
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };

        // A phone's width, as organizers open it inside Telegram; --no-sandbox: root cannot have one.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=412,915", "--no-first-run");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    private static T Until<T>(IWebDriver driver, Func<IWebDriver, T?> condition, string what)
    {
        var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(30)) { Message = "Waited for " + what };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(condition)!;
    }

    private static long Gzipped(byte[] content)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return compressed.Length;
    }

    [GeneratedRegex("#login=([A-Za-z0-9_-]+)")]
    private static partial Regex LinkToken();
}
