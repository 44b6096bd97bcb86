using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;
using StudyBot.Audit;
using StudyBot.Broadcasts;
using StudyBot.Configuration;
using StudyBot.Content;
using StudyBot.Data;
using StudyBot.Delivery;
using StudyBot.Digests;
using StudyBot.Exports;
using StudyBot.Groups;
using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Outbox;
using StudyBot.Reflections;
using StudyBot.Reminders;
using StudyBot.Reports;
using StudyBot.Stats;
using StudyBot.Telegram;
using StudyBot.Telegram.Receiving;
using StudyBot.Telegram.Routing;
using StudyBot.Telegram.Sending;
using StudyBot.Wall;
using StudyBot.Web;
using Telegram.Bot;

namespace StudyBot.Hosting;

internal static class StudyBotServices
{
    // The bot's host, for Program and the tests alike. The slim builder (console logging only, no
    // HTTP/3) makes the native build smaller and start with less memory; HTTPS is put back, so an
    // endpoint with a certificate in the Kestrel settings still serves the webhook itself.
    public static WebApplicationBuilder CreateHostBuilder(WebApplicationOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(options);
        builder.WebHost.UseKestrelHttpsConfiguration();
        return builder;
    }

    public static IHostApplicationBuilder AddStudyBot(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
        });
        builder.AddSettings().AddData().AddTelegram().AddFeatures().AddSchedule().AddWebHost();
        return builder;
    }

    private static IHostApplicationBuilder AddSettings(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TelegramOptions>().BindConfiguration(TelegramOptions.Section).ValidateOnStart();
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();
        // The validator accepts the spellings people type (zh, EN); everything after it sees the
        // canonical code, the one learners and packs are stored under.
        services.AddOptions<BotOptions>().BindConfiguration(BotOptions.Section).ValidateOnStart()
            .PostConfigure(o => o.Language = Languages.Normalize(o.Language) ?? o.Language);
        services.AddSingleton<IValidateOptions<TelegramOptions>, TelegramOptionsValidator>();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();
        services.AddSingleton<IValidateOptions<BotOptions>, BotOptionsValidator>();
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        services.AddOptions<AppOptions>().BindConfiguration(AppOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AppOptions>, AppOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    private static IHostApplicationBuilder AddData(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<Database>();
        services.AddSingleton<MigrationRunner>();
        services.AddSingleton<StartupTasks>();
        services.AddHostedService(sp => sp.GetRequiredService<StartupTasks>());
        return builder;
    }

    private static IHostApplicationBuilder AddTelegram(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;

        // Request URLs carry the token, so this client's HttpClient logs nothing.
        services.AddHttpClient(nameof(ITelegramBotClient), http => http.Timeout = TimeSpan.FromSeconds(90))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .RemoveAllLoggers();
        services.AddSingleton<ITelegramBotClient>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<TelegramOptions>>().Value;
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ITelegramBotClient));
            // RetryThreshold 0: the client never waits on a 429 itself; BotMessenger and SendGate own waiting.
            // The one place a client is made (banned everywhere else).
#pragma warning disable RS0030
            return new TelegramBotClient(new TelegramBotClientOptions(options.BotToken, options.ApiBaseUrl) { RetryThreshold = 0 }, http);
#pragma warning restore RS0030
        });
        services.AddSingleton<BotIdentity>();
        services.AddSingleton<SendGate>();
        services.AddSingleton<BotMessenger>();
        services.AddSingleton<ChatReplies>();
        services.AddSingleton<UpdateInbox>();
        services.AddSingleton<FailedUpdates>();
        services.AddSingleton<UpdateRouter>();
        services.AddSingleton<ChatLanes>();
        services.AddSingleton<OutboxStore>();

        // Before the services that only the leader runs: hosted services stop in reverse order, so
        // this instance keeps the lead until its last in-flight send is answered.
        services.AddSingleton<Leadership>();
        services.AddHostedService(sp => sp.GetRequiredService<Leadership>());
        services.AddSingleton<OutboxSender>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxSender>());
        if (builder.Configuration.GetValue<TelegramMode?>($"{TelegramOptions.Section}:{nameof(TelegramOptions.Mode)}") == TelegramMode.Webhook)
        {
            services.AddHostedService<WebhookRegistration>();
            services.AddHostedService<InboxFollower>();
        }
        else
        {
            services.AddHostedService<PollingService>();
        }
        services.AddSingleton<CommandMenus>();
        services.AddHostedService(sp => sp.GetRequiredService<CommandMenus>());
        return builder;
    }

    private static IHostApplicationBuilder AddFeatures(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<Texts>();
        services.AddSingleton<PackValidator>();
        services.AddSingleton<ContentStore>();
        services.AddSingleton<PackImporter>();
        services.AddSingleton<PackUploads>();
        services.AddSingleton<PackUploadHandler>();
        services.AddSingleton<LearnerStore>();
        services.AddSingleton<GroupStore>();
        services.AddSingleton<GroupAccess>();
        services.AddSingleton<GroupCourses>();
        services.AddSingleton<GroupSettingsChange>();
        services.AddSingleton<DocumentDownloads>();
        services.AddSingleton<SummaryPhotos>();
        services.AddSingleton<SummaryWords>();
        services.AddSingleton<GroupLinks>();
        services.AddSingleton<GroupJoining>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<LearnerSchedule>();
        services.AddSingleton<DeliverySweep>();
        services.AddSingleton<ReflectionStore>();
        services.AddSingleton<StreakReader>();
        services.AddSingleton<DigestStore>();
        services.AddSingleton<DigestSweep>();
        services.AddSingleton<GroupDigestStore>();
        services.AddSingleton<GroupDigestSweep>();
        services.AddSingleton<ReflectionReceiver>();
        services.AddSingleton<HistoryCommand>();
        services.AddSingleton<BroadcastStore>();
        services.AddSingleton<BroadcastProgress>();
        services.AddSingleton<IOutboxListener>(sp => sp.GetRequiredService<BroadcastProgress>());
        services.AddSingleton<Broadcaster>();
        services.AddSingleton<BroadcastCommand>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<StatsStore>();
        services.AddSingleton<StatsChart>();
        services.AddSingleton<ReminderStore>();
        services.AddSingleton<ReminderService>();
        services.AddSingleton<ExportAllStore>();
        services.AddSingleton<ReflectionExport>();
        services.AddSingleton<MembershipHandler>();
        services.AddSingleton<DeleteDataCommand>();
        services.AddSingleton<GroupsCommand>();
        services.AddSingleton<GroupCommand>();
        services.AddSingleton<MissedCommand>();
        services.AddSingleton<Points>();
        services.AddSingleton<WallStore>();
        services.AddSingleton<WallActions>();
        services.AddSingleton<WallPostStore>();
        services.AddSingleton<WallPostSweep>();
        services.AddSingleton<WallPostText>();
        services.AddSingleton<PostedWallRevision>();
        services.AddSingleton<ReportStore>();
        services.AddSingleton<GroupParticipation>();
        services.AddSingleton<ParticipationReport>();
        services.AddSingleton<WallCommand>();
        services.AddSingleton<CommentComposer>();
        services.AddSingleton<MembersCommand>();
        services.AddSingleton<MemberStore>();
        services.AddSingleton<GroupChatStore>();
        services.AddSingleton<LinkedChats>();
        services.AddSingleton<GroupChatReplies>();
        services.AddSingleton<GroupChatPostSweep>();
        services.AddSingleton<IOutboxListener, GroupChatOutcomes>();
        services.AddSingleton<LinkCommand>();

        // The order here is the order of /help and of the command menu.
        services.AddSingleton<IBotCommand, StartCommand>();
        services.AddSingleton<IBotCommand, TodayCommand>();
        services.AddSingleton<IBotCommand, JoinCommand>();
        services.AddSingleton<IBotCommand>(sp => sp.GetRequiredService<HistoryCommand>());
        services.AddSingleton<IBotCommand>(sp => sp.GetRequiredService<MissedCommand>());
        services.AddSingleton<IBotCommand, PointsCommand>();
        services.AddSingleton<IBotCommand, ExportCommand>();
        services.AddSingleton<IBotCommand, AppCommand>();
        services.AddSingleton<IBotCommand, WebCommand>();
        services.AddSingleton<IBotCommand, DigestCommand>();
        services.AddSingleton<IBotCommand, TimeCommand>();
        services.AddSingleton<IBotCommand, TimeZoneCommand>();
        services.AddSingleton<IBotCommand, LanguageCommand>();
        services.AddSingleton<IBotCommand, PauseCommand>();
        services.AddSingleton<IBotCommand, ResumeCommand>();
        services.AddSingleton<IBotCommand, StopCommand>();
        services.AddSingleton<IBotCommand>(sp => sp.GetRequiredService<DeleteDataCommand>());
        services.AddSingleton<IBotCommand, HelpCommand>();
        services.AddSingleton<IBotCommand>(sp => sp.GetRequiredService<BroadcastCommand>());
        services.AddSingleton<IBotCommand, StatsCommand>();
        services.AddSingleton<IBotCommand, RemindCommand>();
        services.AddSingleton<IBotCommand, ExportAllCommand>();
        services.AddSingleton<IBotCommand>(sp => sp.GetRequiredService<GroupsCommand>());
        services.AddSingleton<IBotCommand>(sp => sp.GetRequiredService<GroupCommand>());
        services.AddSingleton<IBotCommand, GroupSetCommand>();
        services.AddSingleton<IBotCommand, CalendarCommand>();
        services.AddSingleton<IBotCommand>(sp => sp.GetRequiredService<MembersCommand>());
        services.AddSingleton<IBotCommand>(sp => sp.GetRequiredService<WallCommand>());
        services.AddSingleton<IBotCommand, ReportCommand>();
        services.AddSingleton<IBotCommand>(sp => sp.GetRequiredService<LinkCommand>());
        services.AddSingleton<IBotCommand, UnlinkCommand>();
        services.AddSingleton<IBotCommand, NewGroupCommand>();
        services.AddSingleton<ICallbackHandler>(sp => sp.GetRequiredService<HistoryCommand>());
        services.AddSingleton<ICallbackHandler>(sp => sp.GetRequiredService<MissedCommand>());
        services.AddSingleton<ICallbackHandler, ShareButton>();
        services.AddSingleton<ICallbackHandler>(sp => sp.GetRequiredService<BroadcastCommand>());
        services.AddSingleton<ICallbackHandler>(sp => sp.GetRequiredService<DeleteDataCommand>());
        services.AddSingleton<ICallbackHandler>(sp => sp.GetRequiredService<GroupsCommand>());
        services.AddSingleton<ICallbackHandler>(sp => sp.GetRequiredService<GroupCommand>());
        services.AddSingleton<ICallbackHandler>(sp => sp.GetRequiredService<MembersCommand>());
        services.AddSingleton<ICallbackHandler>(sp => sp.GetRequiredService<WallCommand>());
        services.AddSingleton<ICallbackHandler>(sp => sp.GetRequiredService<LinkCommand>());
        services.AddSingleton<ICallbackHandler, WallRestButton>();
        return builder;
    }

    // Kestrel serves the webhook, /healthz and /metrics; SPEC's default address when none is set.
    private static IHostApplicationBuilder AddWebHost(this IHostApplicationBuilder builder)
    {
        if (builder is WebApplicationBuilder web && string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["Kestrel:Endpoints:Http:Url"]))
        {
            web.WebHost.UseUrls("http://0.0.0.0:8080");
        }

        builder.Services.AddSingleton<WebhookEndpoint>();
        builder.Services.AddSingleton<HealthCheck>();
        builder.Services.AddSingleton<BotMetrics>();
        builder.Services.AddSingleton<MetricsAccess>();

        // The web app (Web/): its API's JSON is source-generated, as the native build needs.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, WebJson.Default));
        builder.Services.AddSingleton<MiniAppInitData>();
        builder.Services.AddSingleton<WebSessions>();
        builder.Services.AddSingleton<WebSignIn>();
        builder.Services.AddSingleton<DownloadLinks>();
        builder.Services.AddSingleton<WebUsers>();
        builder.Services.AddSingleton<Journal>();
        builder.Services.AddSingleton<SummaryDrafts>();
        builder.Services.AddSingleton<SummaryComposer>();
        builder.Services.AddSingleton<Dashboard>();
        builder.Services.AddSingleton<DashboardSnapshots>();
        builder.Services.AddHostedService<WebAppMenuButton>();
        return builder;
    }

    private static IHostApplicationBuilder AddSchedule(this IHostApplicationBuilder builder)
    {
        var interval = TimeSpan.FromSeconds(builder.Configuration.GetValue<int?>($"{BotOptions.Section}:{nameof(BotOptions.SweepIntervalSeconds)}") ?? 20);
        var database = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var clustered = database.Provider == DatabaseProvider.Postgres;

        // SQLite: the in-memory store, all durable state is in our own tables; Quartz keeps schedulers
        // in a process-wide registry by name, so each host gets its own name. PostgreSQL: the
        // clustered store (schema from migration 0005), one scheduler name per database, so every
        // instance on it joins one cluster and a job runs on one instance at a time.
        var properties = new Dictionary<string, string?>
        {
            ["quartz.scheduler.instanceName"] = clustered ? $"StudyBot-{DatabaseName(database.ConnectionString)}" : $"StudyBot-{Guid.NewGuid():N}",

            // The clustered store looks for missed sweeps this often (milliseconds); the default
            // minute would leave learners waiting that long after a restart.
            ["quartz.jobStore.misfireThreshold"] = "5000",
        };
        builder.Services.AddQuartz(properties, q =>
        {
            if (clustered)
            {
                q.UsePersistentStore(store =>
                {
                    store.UsePostgres(Npgsql.NpgsqlFactory.Instance, database.ConnectionString);
                    store.UseSystemTextJsonSerializer();
                    store.UseClustering(c =>
                    {
                        c.CheckinInterval = TimeSpan.FromSeconds(5);
                        c.CheckinMisfireThreshold = TimeSpan.FromSeconds(15);
                    });
                });
            }

            // Stable trigger keys: a persistent store keeps triggers, and a start must replace them, not
            // add copies. A sweep missed while no instance ran (or the clock jumped) runs at once.
            q.ScheduleJob<ScheduleSweepJob>(
                t => t.WithIdentity($"{ScheduleSweepJob.Key.Name}-trigger").StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount)),
                j => j.WithIdentity(ScheduleSweepJob.Key));
            q.ScheduleJob<InboxPruneJob>(
                t => t.WithIdentity($"{InboxPruneJob.Key.Name}-trigger").StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromHours(1)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount)),
                j => j.WithIdentity(InboxPruneJob.Key));
            q.ScheduleJob<OutboxPruneJob>(
                t => t.WithIdentity($"{OutboxPruneJob.Key.Name}-trigger").StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromHours(1)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount)),
                j => j.WithIdentity(OutboxPruneJob.Key));
        });
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }

    // A malformed connection string is reported by the options validator, naming the key.
    private static string DatabaseName(string connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString).Database ?? "postgres";
        }
        catch (ArgumentException)
        {
            return "postgres";
        }
    }
}
