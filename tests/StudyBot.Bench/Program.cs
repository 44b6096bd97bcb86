using System.Globalization;
using System.Runtime.InteropServices;
using StudyBot.Bench;

const string Usage = """
    StudyBot benchmarks: the built bot (src/StudyBot/bin/Release) as a child process against a fake
    Telegram Bot API hosted here on 127.0.0.1.

      dotnet build -c Release src/StudyBot && dotnet run -c Release --project tests/StudyBot.Bench -- <scenario> [options]
      dotnet publish -c Release -r linux-x64 src/StudyBot && dotnet run -c Release --project tests/StudyBot.Bench -- <scenario> --bot native [options]

    scenarios:
      replies   [--learners 1000] [--delay-ms 0]       /start, /today and 10 reflections per learner, a cold round then a warm one
      flood     [--learners 999] [--flood 500]         replies, then a third round behind one learner's flood of texts
      broadcast [--learners N] [--limits on|off]       one admin broadcast (N: 3000 with limits on, 20000 off)
      sweep     [--learners 1000000]                   all learners due at once: how fast deliveries are claimed
      groupsweep [--learners 1000000] [--groups 10000] the same with study groups: mixed study days, zones, calendars
      exportall [--reflections 1000000]                /exportall of N reflections (1,000 learners, 90 days): rows/s, memory, file sizes
      report    [--members 1000] [--days 90]           /report of one group of N members over `days` study days: time, memory
      groupchats [--groups 1000]                       the wall and the weekly digest of G linked groups at the same minute
      dashboard [--members 1000] [--days 90] [--concurrency 50] [--warmup 200] [--requests 5000]
                                                       the web app's dashboard of that group, asked by its organizer:
                                                       latency p50/p99 of concurrent requests, memory
      webrest   [--seconds 10]                          the bot's memory at rest without the web app and with it
      organizer [--learners 100000] [--groups 1000] [--days 90] [--runs 300]
                                                       /stats, /members and a group's daily completion on months of
                                                       history, timed in-process through the bot's store classes (no bot process)
      fake      [--seconds 5] [--connections 64]       the fake API alone: requests/s it answers
      all       replies; replies --delay-ms 50; flood; broadcast 3000 on; broadcast 20000 off; sweep 1000000;
                groupsweep 1000000 10000 (not organizer: its seeding alone takes minutes)

    bot (every scenario but fake): --bot jit (default) runs src/StudyBot/bin/Release/net10.0/StudyBot.dll with
      `dotnet`; --bot native runs the ahead-of-time compiled src/StudyBot/bin/Release/net10.0/linux-x64/publish/StudyBot

    database (every scenario but fake): SQLite, a fresh file per run, unless
      --postgres "<connection string>"   a PostgreSQL server on this machine that the bench may create
                                         databases on (or STUDYBOT_BENCH_POSTGRES); each run gets a fresh
                                         database studybot_bench_<guid>, dropped at the end. For example:
                                         --postgres "Host=127.0.0.1;Port=55433;Username=postgres;Database=postgres"
    """;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(Usage);
    return 0;
}

List<(string Name, Func<Task<Report>> Run)> plan;
string? postgres = null;
try
{
    var options = Options.Parse(args.Skip(1));
    if (args[0] != "fake")
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("STUDYBOT_BENCH_POSTGRES");
        postgres = options.Text("postgres") ?? (string.IsNullOrEmpty(fromEnvironment) ? null : fromEnvironment);
        BotProcess.Build = options.Text("bot") switch
        {
            null or "jit" => BotBuild.Jit,
            "native" => BotBuild.Native,
            var other => throw new ArgumentException($"--bot: '{other}' is neither jit nor native"),
        };
    }

    // Options are read here, not inside the lambdas, so a wrong one stops the bench before it starts.
    plan = args[0] switch
    {
        "replies" => [Replies(options.Int("learners", 1000), options.Int("delay-ms", 0, min: 0))],
        "flood" => [Flood(options.Int("learners", 999), options.Int("flood", 500))],
        "broadcast" => [Broadcast(options.Int("learners", options.Limits() ? 3000 : 20_000), options.Limits())],
        "sweep" => [Sweep(options.Int("learners", 1_000_000))],
        "groupsweep" => [GroupSweep(options.Int("learners", 1_000_000), options.Int("groups", 10_000))],
        "exportall" => [ExportAll(options.Int("reflections", 1_000_000))],
        "report" => [ParticipationReport(options.Int("members", 1000), options.Int("days", 90))],
        "groupchats" => [GroupChats(options.Int("groups", 1000))],
        "dashboard" => [GroupDashboard(options.Int("members", 1000), options.Int("days", 90), options.Int("concurrency", 50), options.Int("warmup", 200, min: 0), options.Int("requests", 5000))],
        "webrest" => [WebAppAtRest(options.Int("seconds", 10))],
        "organizer" => [Organizer(options.Int("learners", 100_000), options.Int("groups", 1000), options.Int("days", 90), options.Int("runs", 300))],
        "fake" => [Fake(options.Int("seconds", 5), options.Int("connections", 64))],
        "all" => [Replies(1000, 0), Replies(1000, 50), Flood(999, 500), Broadcast(3000, limits: true), Broadcast(20_000, limits: false), Sweep(1_000_000), GroupSweep(1_000_000, 10_000)],
        _ => throw new ArgumentException($"unknown scenario '{args[0]}'"),
    };
    options.ThrowIfUnused();
    if (postgres is not null)
    {
        BenchDatabase.UsePostgres(postgres);
    }
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"{e.Message}\n\n{Usage}");
    return 64;
}
catch (BenchFailure e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");

// The organizer scenario runs the bot's store classes in this process; it starts no bot.
if (args[0] is not ("fake" or "organizer"))
{
    var bot = BotProcess.BuiltBotPath;
    if (!File.Exists(bot))
    {
        Console.Error.WriteLine($"The bot is not built: {bot} is missing.\nRun `{BotProcess.BuildCommand}` from {RepositoryRoot.Path} first.");
        return 1;
    }

    Console.WriteLine($"bot: {bot} ({(BotProcess.Build == BotBuild.Native ? "native" : "run by dotnet")}, built {File.GetLastWriteTime(bot):yyyy-MM-dd HH:mm:ss})");
}

if (args[0] != "fake")
{
    Console.WriteLine($"database: {BenchDatabase.Engine}");
}

var reports = new List<Report>();
foreach (var (name, run) in plan)
{
    Console.WriteLine();
    Console.WriteLine($"-- {name} ({DateTime.Now:HH:mm:ss})");
    Report report;
    try
    {
        report = await run();
        if (args[0] != "fake")
        {
            report.Figure("database", BenchDatabase.Engine);
            if (postgres is not null)
            {
                report.Note("On PostgreSQL the server's own CPU counts under 'other processes': it shares these cores with the bot.");
            }
        }
    }
    catch (BenchFailure e)
    {
        report = new Report(name);
        report.Fail(e.Message);
    }

    report.Print();
    reports.Add(report);
}

if (reports.Count > 1)
{
    Console.WriteLine();
    Console.WriteLine("== summary");
    foreach (var report in reports)
    {
        var verdict = report.Failed ? "FAILED" : report.MissedTarget ? "targets missed" : "ok";
        Console.WriteLine($"  {verdict,-15} {report.Title}");
    }
}

// 0: every check passed and every target was met; 1: a check failed; 2: only targets were missed.
return reports.Any(r => r.Failed) ? 1 : reports.Any(r => r.MissedTarget) ? 2 : 0;

static (string, Func<Task<Report>>) Replies(int learners, int delayMs) =>
    ($"replies --learners {learners} --delay-ms {delayMs}", () => RepliesScenario.RunAsync(learners, delayMs));

static (string, Func<Task<Report>>) Flood(int learners, int flood) =>
    ($"flood --learners {learners} --flood {flood}", () => RepliesScenario.RunAsync(learners, 0, flood));

static (string, Func<Task<Report>>) Broadcast(int learners, bool limits) =>
    ($"broadcast --learners {learners} --limits {(limits ? "on" : "off")}", () => BroadcastScenario.RunAsync(learners, limits));

static (string, Func<Task<Report>>) Sweep(int learners) =>
    ($"sweep --learners {learners}", () => SweepScenario.RunAsync(learners));

static (string, Func<Task<Report>>) GroupSweep(int learners, int groups) =>
    ($"groupsweep --learners {learners} --groups {groups}", () => GroupSweepScenario.RunAsync(learners, groups));

static (string, Func<Task<Report>>) ExportAll(int reflections) =>
    ($"exportall --reflections {reflections}", () => ExportAllScenario.RunAsync(reflections));

static (string, Func<Task<Report>>) ParticipationReport(int members, int days) =>
    ($"report --members {members} --days {days}", () => ReportScenario.RunAsync(members, days));

static (string, Func<Task<Report>>) GroupChats(int groups) =>
    ($"groupchats --groups {groups}", () => GroupChatsScenario.RunAsync(groups));

static (string, Func<Task<Report>>) GroupDashboard(int members, int days, int concurrency, int warmup, int requests) =>
    ($"dashboard --members {members} --days {days} --concurrency {concurrency} --warmup {warmup} --requests {requests}", () => DashboardScenario.RunAsync(members, days, concurrency, warmup, requests));

static (string, Func<Task<Report>>) WebAppAtRest(int seconds) =>
    ($"webrest --seconds {seconds}", () => WebAppAtRestScenario.RunAsync(seconds));

static (string, Func<Task<Report>>) Organizer(int learners, int groups, int days, int runs) =>
    ($"organizer --learners {learners} --groups {groups} --days {days} --runs {runs}", () => OrganizerScenario.RunAsync(learners, groups, days, runs));

static (string, Func<Task<Report>>) Fake(int seconds, int connections) =>
    ($"fake --seconds {seconds} --connections {connections}", () => FakeThroughput.RunAsync(seconds, connections));

// --name value pairs; every one given must be used by the scenario chosen.
internal sealed class Options
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);
    private readonly HashSet<string> used = new(StringComparer.Ordinal);

    public static Options Parse(IEnumerable<string> args)
    {
        var options = new Options();
        using var items = args.GetEnumerator();
        while (items.MoveNext())
        {
            var name = items.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal) || !items.MoveNext())
            {
                throw new ArgumentException($"expected --name value, got '{name}'");
            }

            options.values[name[2..]] = items.Current;
        }

        return options;
    }

    public string? Text(string name)
    {
        used.Add(name);
        return values.GetValueOrDefault(name);
    }

    public int Int(string name, int fallback, int min = 1)
    {
        used.Add(name);
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min
            ? value
            : throw new ArgumentException($"--{name}: '{text}' is not a whole number >= {min}");
    }

    public bool Limits()
    {
        used.Add("limits");
        return values.GetValueOrDefault("limits", "on") switch
        {
            "on" => true,
            "off" => false,
            var other => throw new ArgumentException($"--limits: '{other}' is neither on nor off"),
        };
    }

    public void ThrowIfUnused()
    {
        if (values.Keys.FirstOrDefault(k => !used.Contains(k)) is { } unused)
        {
            throw new ArgumentException($"--{unused} does not apply to this scenario");
        }
    }
}
