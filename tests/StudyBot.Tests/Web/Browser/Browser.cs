using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Web.Browser;

// One headless Chromium (Debian's chromium, driven through its chromium-driver) for the browser
// tests, at a phone's width. It talks plain http to the bot on 127.0.0.1: Chromium counts loopback
// as potentially trustworthy, so it keeps the Secure __Host- session cookie there as on https.
// Missing chromium fails the tests with the way to install it; they never skip.
public sealed class Browser : IDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    public Browser()
    {
        foreach (var (path, package) in new[] { (ChromiumPath, "chromium"), (DriverPath, "chromium-driver") })
        {
            if (!File.Exists(path))
            {
                throw new InvalidOperationException(
                    $"The browser tests need Debian's {package} package ({path} is missing): apt-get install -y chromium chromium-driver (.ci/run installs both).");
            }
        }

        Downloads = Path.Combine(Path.GetTempPath(), "studybot-tests", "downloads-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Downloads);
        var options = new ChromeOptions { BinaryLocation = ChromiumPath, UnhandledPromptBehavior = UnhandledPromptBehavior.Ignore };

        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=412,915", "--lang=zh-CN", "--no-first-run");
        options.AddUserProfilePreference("download.default_directory", Downloads);
        options.AddUserProfilePreference("download.prompt_for_download", false);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));

        // Headless Chromium keeps its window at least 500 pixels wide; the page gets a phone's.
        Driver.ExecuteCdpCommand("Emulation.setDeviceMetricsOverride", new Dictionary<string, object?> { ["width"] = 412, ["height"] = 915, ["deviceScaleFactor"] = 1, ["mobile"] = true });
    }

    public ChromeDriver Driver { get; }

    public string Downloads { get; }

    // Opens the /web link the user asks the bot for, as a browser would, on the bot's own address,
    // and waits for the page to show the user signed in.
    public async Task SignInByLinkAsync(TestWorld world, TestLearner user)
    {
        var token = await WebAppClient.LinkTokenAsync(user);
        // From a blank page: on the app's own page a new fragment alone would not load it again.
        Driver.Navigate().GoToUrl("about:blank");
        Driver.Navigate().GoToUrl(world.BotUrl + "/app/#login=" + token);
        Until(d => d.FindElement(By.Id("views")).Displayed && d.FindElement(By.Id("status")).Text.Length > 0, "the page to sign in by the link");
    }

    // Waits until the condition holds (true, or not null), retrying on elements not there yet or
    // replaced by a render.
    public void Until(Func<IWebDriver, bool> condition, string what) => Wait(condition, what);

    public T Until<T>(Func<IWebDriver, T?> condition, string what) where T : class => Wait(condition, what)!;

    private T Wait<T>(Func<IWebDriver, T> condition, string what)
    {
        var wait = new WebDriverWait(Driver, TimeSpan.FromSeconds(15)) { Message = "Waited for " + what };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(condition)!;
    }

    public IReadOnlyList<string> Texts(string css) => [.. Driver.FindElements(By.CssSelector(css)).Select(e => e.Text)];

    public void Open(string view)
    {
        Driver.FindElement(By.CssSelector($"#views button[data-view='{view}']")).Click();
        Until(d => d.FindElement(By.Id(view)).Displayed, $"the {view} view");
    }

    // A fetch from the page itself, with the browser's cookie and, for changes, the page's CSRF
    // token: status and body.
    public (long Status, string Body) Fetch(string method, string path, string? json = null)
    {
        var result = (IDictionary<string, object>)Driver.ExecuteAsyncScript("""
            const [method, path, json, done] = arguments;
            const headers = method === "GET" ? {} : { "Content-Type": "application/json", "X-CSRF-Token": csrfToken };
            fetch(path, { method, headers, body: json ?? undefined, credentials: "same-origin" })
              .then(async (r) => done({ status: r.status, body: await r.text() }), (e) => done({ status: -1, body: String(e) }));
            """, method, path, json)!;
        return ((long)result["status"], (string)result["body"]);
    }

    // A screenshot of what the page shows, from its top or from the element `showing`, for the
    // user guide, when STUDYBOT_SCREENSHOTS names a folder (relative to the repository): CI leaves
    // the committed images alone.
    public void Screenshot(string name, string? showing = null)
    {
        if (Environment.GetEnvironmentVariable("STUDYBOT_SCREENSHOTS") is not { Length: > 0 } folder)
        {
            return;
        }

        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Bot.sln")))
        {
            root = root.Parent;
        }

        var directory = Path.IsPathRooted(folder) ? folder : Path.Combine(root?.FullName ?? Environment.CurrentDirectory, folder);
        Directory.CreateDirectory(directory);
        Driver.ExecuteScript("const [id] = arguments; if (id) { document.getElementById(id).scrollIntoView(); window.scrollBy(0, -56); } else window.scrollTo(0, 0);", showing);
        Driver.GetScreenshot().SaveAsFile(Path.Combine(directory, name + ".png"));
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        Directory.Delete(Downloads, recursive: true);
    }
}
