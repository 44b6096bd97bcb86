using System.Diagnostics;
using System.Text;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Content;

public sealed class PackImportTests
{
    private const long Admin = 900;

    internal const string GoodYaml = """
        pack: spring-course
        language: en
        start: 2026-12-01
        items:
          - theme: Duty
            quote: "Men exist for the sake of one another."
            source: Marcus Aurelius, Meditations, Book 8
            prompt: Whom will you help this week?
          - theme: Learning
            quote: "No man is free who is not master of himself."
            source: Epictetus, Fragments
            prompt: What mastered you today?
            date: 2026-12-25
        """;

    private const string GoodJson = """
        {"pack": "spring-json", "language": "zh-CN", "start": "2026-12-01",
         "items": [{"theme": "好学", "quote": "学而时习之，不亦说乎？", "source": "《论语·学而》", "prompt": "今天你复习了什么？"}]}
        """;

    private const string GoodCsv = "theme,quote,source,prompt,date\n自律,\"吾日三省吾身，为人谋而不忠乎？\",《论语·学而》,今天你反省了哪件事？,\n奋进,\"路漫漫其修远兮，吾将上下而求索。\",屈原《楚辞·离骚》,你在求索什么？,2026-12-24\n";

    private static async Task<string> SendPackAsync(TestWorld world, string fileName, string content, string? caption = null, long from = Admin)
    {
        var before = world.Api.SentTo(from).Count;
        world.Api.SendsDocument(from, fileName, Encoding.UTF8.GetBytes(content), caption, fromId: from);
        return (await world.Api.WaitForNthMessageAsync(from, before + 1)).Text;
    }

    private static Task<long> ItemCountAsync(TestWorld world) => world.Db.CountAsync("content_items");

    [Theory]
    [InlineData("spring.yaml", GoodYaml, null, "spring-course", 2)]
    [InlineData("spring.json", GoodJson, null, "spring-json", 1)]
    [InlineData("autumn-csv.csv", GoodCsv, "language=zh-CN start=2026-12-01", "autumn-csv", 2)]
    public async Task An_admins_good_pack_is_imported_whole_with_a_summary(string fileName, string content, string? caption, string pack, int items)
    {
        await using var world = await TestWorld.StartAsync();
        var before = await ItemCountAsync(world);

        var reply = await SendPackAsync(world, fileName, content, caption);

        Assert.Contains($"“{pack}”：新增 {items} 条，替换 0 条", reply);
        Assert.Equal(1, await world.Db.CountAsync("audit", "action = 'import' AND user_id = 900 AND details LIKE @Like", new { Like = $"{fileName}: pack {pack}%" }));
        Assert.Equal(before + items, await ItemCountAsync(world));
        Assert.Equal(items, await world.Db.ScalarAsync<long>("SELECT COUNT(*) FROM content_items i JOIN packs p ON p.id = i.pack_id WHERE p.name = @Pack", new { Pack = pack }));
    }

    [Fact]
    public async Task The_same_pack_name_again_replaces_its_items_and_the_pack_becomes_active()
    {
        await using var world = await TestWorld.StartAsync();
        await SendPackAsync(world, "spring.yaml", GoodYaml);

        var reply = await SendPackAsync(world, "spring.yaml", GoodYaml.Replace("Whom will you help this week?", "Whom did you help?", StringComparison.Ordinal));

        Assert.Contains("新增 2 条，替换 2 条", reply);
        Assert.Equal(1, await world.Db.CountAsync("content_items", "prompt = 'Whom did you help?'"));

        // The last pack imported in a language is the one its learners get.
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        await learner.SendAsync("/language en");
        world.Api.UserSends(42, "/today");
        var prompt = await learner.NextAsync(2);
        Assert.Contains("Men exist for the sake of one another.", prompt.Text);
    }

    [Theory]
    [InlineData("bad.yaml", "pack: x\nlanguage: en\nstart: 2026-12-01\nitems:\n  - theme: A\n    quote: Q\n    source: S\n    prompt: P\n  - theme: B\n    quote: Q2\n    source: S2\n", null, "第 2 条，字段 prompt：未填写")]
    [InlineData("bad.yaml", "pack: x\nlanguage: en\nstart: 2026-12-01\nitems:\n  - theme: A\n    quote: Q\n    source: S\n    prompt: P\n    date: 2026-13-01\n", null, "第 5 行，第 1 条，字段 date：“2026-13-01”不是 YYYY-MM-DD 格式的日期")]
    [InlineData("bad.json", """{"pack": "x", "language": "en", "start": "2026-12-01", "items": [{"theme": "A", "quote": "Q", "source": "S", "prompt": "P"}, {"theme": "B", "quote": "Q", "source": "S", "prompt": "P"}]}""", null, "第 2 条，字段 quote：与第 1 条重复")]
    [InlineData("bad.json", """{"pack": "x", "language": "fr", "start": "2026-12-01", "items": [{"theme": "A", "quote": "Q", "source": "S", "prompt": "P"}]}""", null, "字段 language：“fr”不是支持的语言")]
    [InlineData("bad.csv", "theme,quote,source,prompt,date\nA,Q,S,P,\nB,Q2,S2,P2,2026-02-30\n", "language=en", "第 3 行，字段 date")]
    [InlineData("bad.csv", "theme,quote,prompt\nA,Q,P\n", "language=en", "第 1 行：表头缺少 source 列")]
    public async Task A_bad_pack_is_refused_naming_the_place_and_nothing_of_it_is_imported(string fileName, string content, string? caption, string place)
    {
        await using var world = await TestWorld.StartAsync();
        var packs = await world.Db.CountAsync("packs");
        var items = await ItemCountAsync(world);

        var reply = await SendPackAsync(world, fileName, content, caption);

        Assert.Contains("未导入任何内容", reply);
        Assert.Contains(place, reply);
        Assert.Equal(packs, await world.Db.CountAsync("packs"));
        Assert.Equal(items, await ItemCountAsync(world));
    }

    [Theory]
    [InlineData("date")]
    [InlineData("language")]
    public async Task A_refusal_quoting_a_field_of_5000_characters_quotes_its_start_within_Telegrams_limit(string field)
    {
        await using var world = await TestWorld.StartAsync();
        var packs = await world.Db.CountAsync("packs");
        var items = await ItemCountAsync(world);
        var value = new string('9', 5000);
        var yaml = field == "date" ? GoodYaml.Replace("date: 2026-12-25", $"date: {value}", StringComparison.Ordinal) : GoodYaml.Replace("language: en", $"language: {value}", StringComparison.Ordinal);

        var reply = await SendPackAsync(world, "long-field.yaml", yaml);

        Assert.Contains("未导入任何内容", reply);
        Assert.Contains(value[..60], reply);
        Assert.InRange(reply.Length, 1, 4096);
        Assert.Equal(packs, await world.Db.CountAsync("packs"));
        Assert.Equal(items, await ItemCountAsync(world));
    }

    [Theory]
    [InlineData("deep.yaml", "第 1 行：嵌套层数超出内容包的格式")]
    [InlineData("deep.json", "第 1 行：嵌套层数超出内容包的格式")]
    [InlineData("bomb.yaml", "第 4 行：内容包不能使用锚点或别名")]
    public async Task A_pack_made_to_harm_the_parser_is_refused_at_once_naming_the_line_and_nothing_of_it_is_imported(string fileName, string refusal)
    {
        await using var world = await TestWorld.StartAsync();
        var packs = await world.Db.CountAsync("packs");
        var items = await ItemCountAsync(world);
        var content = fileName == "bomb.yaml" ? HostilePacks.AliasBomb() : HostilePacks.Brackets;

        var clock = Stopwatch.StartNew();
        var reply = await SendPackAsync(world, fileName, content);

        // A generous bound, not a benchmark: unchecked, the brackets kill the bot and the bomb keeps a core busy.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Contains("未导入任何内容", reply);
        Assert.Contains(refusal, reply);
        Assert.Equal(packs, await world.Db.CountAsync("packs"));
        Assert.Equal(items, await ItemCountAsync(world));
    }

    [Fact]
    public async Task A_30_MB_document_without_a_size_is_refused_and_its_download_stopped_past_1_MB()
    {
        await using var world = await TestWorld.StartAsync();
        var packs = await world.Db.CountAsync("packs");
        var items = await ItemCountAsync(world);
        var content = new byte[30 * 1024 * 1024];
        Array.Fill(content, (byte)'#');

        var before = world.Api.SentTo(Admin).Count;
        world.Api.SendsDocument(Admin, "huge.yaml", content, fromId: Admin, reportsSize: false);
        var reply = (await world.Api.WaitForNthMessageAsync(Admin, before + 1)).Text;

        Assert.Contains("文件超过 1024 KB，未导入任何内容", reply);
        // How much the fake sent says nothing: loopback sockets buffer up to 32 MB whatever the bot reads.
        Assert.Contains(world.Logs.Lines, l => l.Contains("Stopped downloading file huge.yaml past 1048576 bytes", StringComparison.Ordinal));
        Assert.Equal(packs, await world.Db.CountAsync("packs"));
        Assert.Equal(items, await ItemCountAsync(world));
    }

    [Fact]
    public async Task A_bad_pack_is_refused_wholly_in_the_uploaders_language()
    {
        await using var world = await TestWorld.StartAsync();
        const string yaml = "pack: x\nlanguage: en\nstart: 2026-12-01\nitems:\n  - theme: A\n    source: S\n    prompt: P\n  - theme: B\n    quote: Q\n    source: S\n    prompt: P\n  - theme: C\n    quote: Q\n    source: S\n    prompt: P\n";

        var chinese = await SendPackAsync(world, "bad.yaml", yaml);
        await world.Learner(Admin).SendAsync("/start");
        await world.Learner(Admin).SendAsync("/language en");
        var english = await SendPackAsync(world, "bad.yaml", yaml);

        Assert.Equal("内容包未通过校验，未导入任何内容：第 1 条，字段 quote：未填写（另有 1 处问题）", chinese);
        Assert.Equal("Pack refused, nothing was imported: item 1, field quote: is missing (and 1 more problems)", english);
    }

    [Fact]
    public async Task A_pack_item_too_long_for_one_Telegram_message_is_refused()
    {
        await using var world = await TestWorld.StartAsync();
        var items = await ItemCountAsync(world);
        var longQuote = new string('学', 4100);

        var reply = await SendPackAsync(world, "long.csv", $"theme,quote,source,prompt\nA,{longQuote},S,P\n", "language=zh-CN");

        Assert.Contains("第 1 条：排版后共 4133 个字符，超过 Telegram 单条消息的上限 4096", reply);
        Assert.Equal(items, await ItemCountAsync(world));
    }

    [Fact]
    public async Task A_pack_of_more_than_1000_items_is_refused_and_one_of_1000_imported()
    {
        await using var world = await TestWorld.StartAsync();
        var items = await ItemCountAsync(world);
        static string Csv(int count) => "theme,quote,source,prompt\n" + string.Concat(Enumerable.Range(1, count).Select(i => $"T,Quote {i},S,P\n"));

        var refused = await SendPackAsync(world, "many.csv", Csv(1001), "language=en");

        Assert.Contains("内容包共有 1001 条，最多允许 1000 条", refused, StringComparison.Ordinal);
        Assert.Equal(items, await ItemCountAsync(world));
        await SendPackAsync(world, "many.csv", Csv(1000), "language=en");
        Assert.Equal(items + 1000, await ItemCountAsync(world));
    }

    [Fact]
    public async Task A_document_from_someone_who_is_not_an_admin_is_not_imported()
    {
        await using var world = await TestWorld.StartAsync();
        var packs = await world.Db.CountAsync("packs");

        var reply = await SendPackAsync(world, "spring.yaml", GoodYaml, from: 42);

        Assert.Contains("文字", reply);
        Assert.Equal(packs, await world.Db.CountAsync("packs"));
    }

    [Fact]
    public async Task Operators_import_from_the_command_line_with_the_same_checks()
    {
        await using var world = await TestWorld.CreateAsync();
        var folder = world.Folder;
        await File.WriteAllTextAsync(Path.Combine(folder, "spring.yaml"), GoodYaml);
        await File.WriteAllTextAsync(Path.Combine(folder, "bad.csv"), "theme,quote,source,prompt\nA,,S,P\n");

        var good = await RunCliAsync(world, "import", "spring.yaml");
        var bad = await RunCliAsync(world, "import", "bad.csv", "language=en");

        Assert.Equal(0, good.ExitCode);
        Assert.Contains("“spring-course”：新增 2 条，替换 0 条", good.Output);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("第 1 条，字段 quote：未填写", bad.Error);
        Assert.Equal(1, await world.Db.CountAsync("packs", "name = 'spring-course'"));
        Assert.Equal(0, await world.Db.CountAsync("packs", "name = 'bad'"));
        Assert.Equal(1, await world.Db.CountAsync("packs", "name = 'classics-zh'"));
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunCliAsync(TestWorld world, params string[] args)
    {
        var bot = TestWorld.BuiltBotPath;
        var start = new ProcessStartInfo("dotnet", [bot, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = world.Folder,
        };
        world.UseDatabase(start);
        start.Environment["Telegram__BotToken"] = "";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output, await error);
    }
}
