using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StudyBot.FakeBotApi;
using StudyBot.Hosting;
using StudyBot.Telegram.Sending;

namespace StudyBot.Tests.Infrastructure;

// One fake Telegram, one database and one fake clock; bots started on them are real hosts talking
// HTTP to the fake. Restart tests start a second bot on the same database. The database is a SQLite
// file in a temp folder, or a fresh PostgreSQL database when the suite is built for PostgreSQL
// (the StudyBot.Tests.Postgres project compiles these same tests with POSTGRES defined).
public sealed class TestWorld : IAsyncDisposable
{
    // Monday 2026-12-07 02:00 UTC = 10:00 in Asia/Shanghai, the default zone.
    public static readonly DateTimeOffset DefaultStart = new(2026, 12, 7, 2, 0, 0, TimeSpan.Zero);

    private readonly string directory;
    private readonly List<IHost> hosts = [];

    private TestWorld(FakeBotApiServer api, string directory, DateTimeOffset start, string connectionString)
    {
        Api = api;
        this.directory = directory;
        Clock = new FakeTimeProvider(start);
        ConnectionString = connectionString;
    }

#if POSTGRES
    public const string Provider = "Postgres";
#else
    public const string Provider = "Sqlite";
#endif

    public const long AdminId = 900;

    public static bool OnPostgres => Provider == "Postgres";

    public FakeBotApiServer Api { get; }
    public FakeTimeProvider Clock { get; }

    // The temp folder of this world: SQLite's file, files a test writes, a bot process's working directory.
    public string Folder => directory;
    public string ConnectionString { get; }
    public IHost Bot => hosts[^1];
    public CapturedLogs Logs { get; } = new();
    public Dictionary<string, string?> Settings { get; } = [];

    // Services a test adds to every bot it starts (a command that waits for the test, say).
    public List<Action<IServiceCollection>> ExtraServices { get; } = [];

    public static async Task<TestWorld> CreateAsync(DateTimeOffset? start = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "studybot-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var connectionString = OnPostgres ? await PostgresServer.CreateDatabaseAsync() : $"Data Source={Path.Combine(directory, "studybot.db")}";
        return new TestWorld(await FakeBotApiServer.StartAsync(), directory, start ?? DefaultStart, connectionString);
    }

    public static async Task<TestWorld> StartAsync(DateTimeOffset? start = null, Action<Dictionary<string, string?>>? settings = null)
    {
        var world = await CreateAsync(start);
        settings?.Invoke(world.Settings);
        await world.StartBotAsync();
        return world;
    }

    public IHost BuildBot()
    {
        var builder = StudyBotServices.CreateHostBuilder(new WebApplicationOptions { ContentRootPath = directory, EnvironmentName = "Testing" });
        var settings = new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = Api.Token,
            ["Telegram:ApiBaseUrl"] = Api.BaseUrl,
            ["Telegram:PollTimeoutSeconds"] = "2",

            // The fake enforces no limits unless a test switches them on; those tests set this too.
            ["Telegram:EnforceLimits"] = "false",
            ["Database:Provider"] = Provider,
            ["Database:ConnectionString"] = ConnectionString,
            ["Bot:AdminIds:0"] = AdminId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["urls"] = "http://127.0.0.1:0",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddStudyBot();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(Logs);
        builder.Services.AddSingleton<TimeProvider>(Clock);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        foreach (var add in ExtraServices)
        {
            add(builder.Services);
        }

        var app = builder.Build();
        app.MapStudyBot();
        return app;
    }

    public async Task<IHost> StartBotAsync()
    {
        var host = BuildBot();
        hosts.Add(host);
        await host.StartAsync();
        return host;
    }

    public async Task StopBotAsync()
    {
        await Bot.StopAsync();
    }

    // The bot's own build output (its runtimeconfig and dependencies), built alongside the tests,
    // for tests that run it as a separate process.
    public static string BuiltBotPath => AppContext.BaseDirectory.Replace(
        Path.Combine("tests", typeof(TestWorld).Assembly.GetName().Name!, "bin"), Path.Combine("src", "StudyBot", "bin"), StringComparison.Ordinal) + "StudyBot.dll";

    // Where the running bot's Kestrel listens (webhook, /healthz, /metrics).
    public string BotUrl => ((WebApplication)Bot).Urls.First();

    public T Get<T>() where T : notnull => Bot.Services.GetRequiredService<T>();

    // One pass of the schedule as its Quartz job runs it, then wait until the outbox has sent (or
    // given up on) what it claimed. Returns the deliveries claimed.
    public async Task<int> SweepAsync()
    {
        var claimed = await ActivatorUtilities.CreateInstance<ScheduleSweepJob>(Bot.Services).RunOnceAsync(CancellationToken.None);
        await OutboxDrainedAsync();
        return claimed;
    }

    public async Task<int> AdvanceToAsync(DateTimeOffset utc)
    {
        Clock.SetUtcNow(utc);
        return await SweepAsync();
    }

    public Task OutboxDrainedAsync(TimeSpan? timeout = null) =>
        EventuallyAsync(async () => await Db.CountAsync("outbox", "status IN ('pending', 'claimed')") == 0, "the outbox drains", timeout);

    // Until the bot has handled every update of this world and the outbox owes `chatId` (every chat
    // when null) nothing: the fake has handed out every update a test made and seen its offset
    // confirmed, so each is in the inbox (stored before the offset moves), and no inbox row is left
    // pending (updates posted to the webhook included; one set aside after failing is settled too).
    // A handler's own replies are sent before its mark is written (ChatLanes); what it queued in the
    // outbox is sent after, hence the outbox. The fake is read before the database, so no update
    // can slip in between the two.
    public Task UpdatesHandledAsync(long? chatId = null, TimeSpan? timeout = null) =>
        EventuallyAsync(
            async () => Api.AllUpdatesConfirmed
                && await Db.CountAsync("inbound_updates", "handled_utc IS NULL AND failed_utc IS NULL") == 0
                && (hosts.Count == 0 || !Get<ChatReplies>().IsBusy)
                && await Db.CountAsync("outbox", "status IN ('pending', 'claimed')" + (chatId is null ? "" : " AND chat_id = @ChatId"), new { ChatId = chatId }) == 0,
            $"every update is handled and nothing is left in the outbox{(chatId is null ? "" : $" for chat {chatId}")}",
            timeout);

    // Polls a condition on state outside the fake (the database) until it holds, within a bound.
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}");
            }

            await Task.Delay(20);
        }
    }

    public TestDatabase Db => new(ConnectionString);

    // For a bot run as its own process on this world's database.
    public void UseDatabase(ProcessStartInfo start)
    {
        start.Environment["Database__Provider"] = Provider;
        start.Environment["Database__ConnectionString"] = ConnectionString;
    }

    public TestLearner Learner(long chatId) => new(this, chatId);

    public async ValueTask DisposeAsync()
    {
        // STUDYBOT_TEST_LOGS=folder keeps each test's bot log there, for diagnosing a failure.
        if (Environment.GetEnvironmentVariable("STUDYBOT_TEST_LOGS") is { Length: > 0 } logFolder)
        {
            Directory.CreateDirectory(logFolder);
            await File.WriteAllLinesAsync(Path.Combine(logFolder, Path.GetFileName(directory) + ".log"), Logs.Lines);
        }

        foreach (var host in hosts)
        {
            try
            {
                await host.StopAsync();
            }
            catch (ObjectDisposedException)
            {
            }

            host.Dispose();
        }

        await Api.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (OnPostgres)
        {
            await PostgresServer.DropDatabaseAsync(ConnectionString);
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
