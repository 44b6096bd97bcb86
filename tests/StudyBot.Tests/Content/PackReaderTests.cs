using StudyBot.Content;
using StudyBot.Localization;

namespace StudyBot.Tests.Content;

// (Over 300 lines: one test per rule of the pack format, for each of the three formats.)
public sealed class PackReaderTests
{
    private static readonly DateOnly Start = new(2026, 12, 1);
    private static readonly PackDefaults EnglishToday = new("en", new DateOnly(2026, 6, 1));

    // The same three items in every format: Chinese text, a source with commas, one pinned date.
    private static readonly ContentItem[] ExpectedItems =
    [
        new("好学", "学而时习之，不亦说乎？", "《论语·学而》", "今天学的哪一点值得明天再温习一遍？", null),
        new("Duty", "Men exist for the sake of one another.", "Marcus Aurelius, Meditations, Book 8", "Whom will you help this week, and how?", new DateOnly(2026, 12, 5)),
        new("自律", "静以修身，俭以养德。", "诸葛亮《诫子书》", "明天你打算留出多长安静的时间？", null, Intention: true),
    ];

    private const string GoodYaml = """
        pack: test-pack
        language: zh-CN
        start: 2026-12-01
        items:
          - theme: 好学
            quote: 学而时习之，不亦说乎？
            source: 《论语·学而》
            prompt: 今天学的哪一点值得明天再温习一遍？
          - theme: Duty
            quote: Men exist for the sake of one another.
            source: "Marcus Aurelius, Meditations, Book 8"
            prompt: "Whom will you help this week, and how?"
            date: 2026-12-05
          - theme: 自律
            quote: 静以修身，俭以养德。
            source: 诸葛亮《诫子书》
            prompt: 明天你打算留出多长安静的时间？
            intention: true
        """;

    private const string GoodJson = """
        {
          "pack": "test-pack",
          "language": "zh-CN",
          "start": "2026-12-01",
          "items": [
            { "theme": "好学", "quote": "学而时习之，不亦说乎？", "source": "《论语·学而》", "prompt": "今天学的哪一点值得明天再温习一遍？" },
            { "theme": "Duty", "quote": "Men exist for the sake of one another.", "source": "Marcus Aurelius, Meditations, Book 8", "prompt": "Whom will you help this week, and how?", "date": "2026-12-05" },
            { "theme": "自律", "quote": "静以修身，俭以养德。", "source": "诸葛亮《诫子书》", "prompt": "明天你打算留出多长安静的时间？", "date": null, "intention": true }
          ]
        }
        """;

    private const string GoodCsv = """
        theme,quote,source,prompt,date,intention
        好学,学而时习之，不亦说乎？,《论语·学而》,今天学的哪一点值得明天再温习一遍？,,
        Duty,Men exist for the sake of one another.,"Marcus Aurelius, Meditations, Book 8","Whom will you help this week, and how?",2026-12-05,false
        自律,静以修身，俭以养德。,诸葛亮《诫子书》,明天你打算留出多长安静的时间？,,TRUE
        """;

    private static PackValidator Validator() => new(new Texts());

    private static ContentItem Item(string quote, DateOnly? date = null) =>
        new("Theme", quote, "Source", "Prompt", date);

    private static ContentPack Pack(IReadOnlyList<ContentItem> items, string language = "en") =>
        new("test-pack", language, Start, items);

    // Problems as an English-speaking organizer reads them.
    private static string Where(PackProblem problem) => problem.Location.Describe(new Texts(), "en");

    private static IEnumerable<string> Said(IEnumerable<PackProblem> problems) => problems.Select(p => p.ToString());

    private static PackProblem ReadFails(string fileName, string text) =>
        Assert.Throws<PackFormatException>(() => PackReader.Read(fileName, text, EnglishToday)).Problem;

    private static (string TextKey, long Line) Refused(string fileName, string text)
    {
        var refused = Assert.Throws<PackRefusedException>(() => PackReader.Read(fileName, text, EnglishToday));
        return (refused.TextKey, refused.Line);
    }

    // Reading good packs

    [Fact]
    public void A_good_YAML_pack_is_read_whole()
    {
        var pack = PackReader.Read("anything.yaml", GoodYaml, EnglishToday);

        Assert.Equal("test-pack", pack.Name);
        Assert.Equal("zh-CN", pack.Language);
        Assert.Equal(Start, pack.Start);
        Assert.Equal(ExpectedItems, pack.Items);
    }

    [Fact]
    public void A_yml_extension_is_read_as_YAML()
    {
        var pack = PackReader.Read("anything.YML", GoodYaml, EnglishToday);

        Assert.Equal(ExpectedItems, pack.Items);
    }

    [Fact]
    public void A_good_JSON_pack_is_read_whole()
    {
        var pack = PackReader.Read("anything.json", GoodJson, EnglishToday);

        Assert.Equal("test-pack", pack.Name);
        Assert.Equal("zh-CN", pack.Language);
        Assert.Equal(Start, pack.Start);
        Assert.Equal(ExpectedItems, pack.Items);
    }

    [Fact]
    public void A_good_CSV_pack_takes_its_name_from_the_file_and_language_and_start_from_the_caption()
    {
        var defaults = PackDefaults.FromCaption("language=zh-CN start=2026-12-01", "en", new DateOnly(2026, 6, 1));

        var pack = PackReader.Read("test-pack.csv", GoodCsv, defaults);

        Assert.Equal("test-pack", pack.Name);
        Assert.Equal("zh-CN", pack.Language);
        Assert.Equal(Start, pack.Start);
        Assert.Equal(ExpectedItems, pack.Items);
    }

    [Fact]
    public void A_CSV_pack_without_a_date_column_has_no_pinned_items()
    {
        const string csv = """
            theme,quote,source,prompt
            Duty,Men exist for the sake of one another.,"Marcus Aurelius, Meditations, Book 8",Whom will you help?
            """;

        var pack = PackReader.Read("stoics.csv", csv, EnglishToday);

        Assert.Equal([new ContentItem("Duty", "Men exist for the sake of one another.", "Marcus Aurelius, Meditations, Book 8", "Whom will you help?", null)], pack.Items);
    }

    [Fact]
    public void A_CSV_quoted_field_may_span_lines()
    {
        const string csv = "theme,quote,source,prompt,date\n好学,\"第一行\n第二行\",《论语》,想一想,\n";

        var pack = PackReader.Read("multi.csv", csv, EnglishToday);

        Assert.Equal([new ContentItem("好学", "第一行\n第二行", "《论语》", "想一想", null)], pack.Items);
    }

    [Fact]
    public void The_three_formats_of_one_pack_give_the_same_items()
    {
        var yaml = PackReader.Read("p.yaml", GoodYaml, EnglishToday);
        var json = PackReader.Read("p.json", GoodJson, EnglishToday);
        var csv = PackReader.Read("p.csv", GoodCsv, new PackDefaults("zh-CN", Start));

        Assert.Equal(yaml.Items, json.Items);
        Assert.Equal(yaml.Items, csv.Items);
    }

    [Fact]
    public void The_example_pack_of_the_spec_with_comments_is_read()
    {
        const string yaml = """
            pack: classics-zh          # unique name
            language: zh-CN
            start: 2026-12-01          # date of the first item
            items:
              - theme: 为民之道
                quote: 衙斋卧听萧萧竹，疑是民间疾苦声。
                source: 郑燮《潍县署中画竹呈年伯包大中丞括》
                prompt: 你工作中哪一件事最能让群众感到被倾听？今天可以做哪一件小事？
                date: 2026-12-05       # optional: pins this item to a date
            """;

        var pack = PackReader.Read("classics-zh.yaml", yaml, EnglishToday);

        Assert.Equal("classics-zh", pack.Name);
        Assert.Equal("zh-CN", pack.Language);
        Assert.Equal(Start, pack.Start);
        Assert.Equal(
            [new ContentItem("为民之道", "衙斋卧听萧萧竹，疑是民间疾苦声。", "郑燮《潍县署中画竹呈年伯包大中丞括》", "你工作中哪一件事最能让群众感到被倾听？今天可以做哪一件小事？", new DateOnly(2026, 12, 5))],
            pack.Items);
    }

    [Theory]
    [InlineData("p.csv")]
    [InlineData("p.json")]
    [InlineData("p.yaml")]
    public void A_file_starting_with_a_byte_order_mark_is_read_as_without_it(string fileName)
    {
        var text = Path.GetExtension(fileName) switch { ".csv" => GoodCsv, ".json" => GoodJson, _ => GoodYaml };

        var pack = PackReader.Read(fileName, "\uFEFF" + text, new PackDefaults("zh-CN", Start));

        Assert.Equal(ExpectedItems, pack.Items);
    }

    [Fact]
    public void A_CSV_with_Windows_line_endings_gives_the_same_items()
    {
        var pack = PackReader.Read("p.csv", GoodCsv.ReplaceLineEndings("\r\n"), new PackDefaults("zh-CN", Start));

        Assert.Equal(ExpectedItems, pack.Items);
    }

    [Fact]
    public void An_item_is_an_intention_only_where_the_pack_says_so_whatever_its_wording()
    {
        const string yaml = """
            pack: p
            language: en
            start: 2026-12-01
            items:
              - theme: Plans
                quote: Q1
                source: S
                prompt: Which chapter comes next for you?
                intention: true
              - theme: Plans
                quote: Q2
                source: S
                prompt: What will you do tomorrow?
            """;

        var pack = PackReader.Read("p.yaml", yaml, EnglishToday);

        Assert.Equal([true, false], pack.Items.Select(i => i.Intention));
    }

    [Fact]
    public void A_file_that_is_not_a_pack_format_is_refused()
    {
        var problem = ReadFails("notes.txt", "hello");

        Assert.Equal("notes.txt", Where(problem));
    }

    // The CSV caption

    [Fact]
    public void Caption_gives_language_and_start()
    {
        Assert.Equal(new PackDefaults("en", new DateOnly(2026, 12, 1)), PackDefaults.FromCaption("language=en start=2026-12-01", "zh-CN", new DateOnly(2026, 6, 1)));
    }

    [Fact]
    public void Caption_keys_may_be_separated_by_commas_or_new_lines_in_any_order()
    {
        Assert.Equal(new PackDefaults("en", new DateOnly(2026, 12, 1)), PackDefaults.FromCaption("Start=2026-12-01,\nLANGUAGE=en", "zh-CN", new DateOnly(2026, 6, 1)));
    }

    [Fact]
    public void No_caption_gives_the_deployment_language_and_today()
    {
        Assert.Equal(new PackDefaults("zh-CN", new DateOnly(2026, 6, 1)), PackDefaults.FromCaption(null, "zh-CN", new DateOnly(2026, 6, 1)));
        Assert.Equal(new PackDefaults("zh-CN", new DateOnly(2026, 6, 1)), PackDefaults.FromCaption("my study pack", "zh-CN", new DateOnly(2026, 6, 1)));
    }

    [Fact]
    public void Caption_with_only_a_language_keeps_today_as_start()
    {
        Assert.Equal(new PackDefaults("en", new DateOnly(2026, 6, 1)), PackDefaults.FromCaption("language=en", "zh-CN", new DateOnly(2026, 6, 1)));
    }

    [Fact]
    public void Caption_with_a_bad_start_is_refused_naming_the_caption()
    {
        var problem = Assert.Throws<PackFormatException>(() => PackDefaults.FromCaption("language=en start=2026-13-01", "zh-CN", new DateOnly(2026, 6, 1))).Problem;

        Assert.Equal("caption, field start", Where(problem));
        Assert.Contains("2026-13-01", problem.ToString(), StringComparison.Ordinal);
    }

    // Bad inputs name where they are wrong

    [Fact]
    public void Bad_YAML_syntax_names_the_line()
    {
        var yaml = GoodYaml.Replace("quote: Men exist for the sake of one another.", "quote: Men exist: for the sake of one another.", StringComparison.Ordinal);

        var problem = ReadFails("p.yaml", yaml);

        Assert.Equal("line 10", Where(problem));
    }

    [Fact]
    public void Bad_date_in_YAML_names_the_line_item_and_field()
    {
        var yaml = GoodYaml.Replace("date: 2026-12-05", "date: 2026-13-01", StringComparison.Ordinal);

        var problem = ReadFails("p.yaml", yaml);

        // The item that holds the date starts on line 9.
        Assert.Equal("line 9, item 2, field date", Where(problem));
        Assert.Contains("2026-13-01", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_start_in_YAML_names_the_field()
    {
        var yaml = GoodYaml.Replace("start: 2026-12-01", "start: 2026-13-01", StringComparison.Ordinal);

        var problem = ReadFails("p.yaml", yaml);

        Assert.Equal("field start", Where(problem));
    }

    [Fact]
    public void Bad_JSON_syntax_names_the_line()
    {
        // The comma after the first item (line 6) is missing; the parser stops at line 7.
        var json = GoodJson.Replace("今天学的哪一点值得明天再温习一遍？\" },", "今天学的哪一点值得明天再温习一遍？\" }", StringComparison.Ordinal);

        var problem = ReadFails("p.json", json);

        Assert.Equal("line 7", Where(problem));
    }

    [Fact]
    public void Bad_date_in_JSON_names_the_item_and_field()
    {
        var json = GoodJson.Replace("\"date\": \"2026-12-05\"", "\"date\": \"2026-13-01\"", StringComparison.Ordinal);

        var problem = ReadFails("p.json", json);

        Assert.Equal("item 2, field date", Where(problem));
        Assert.Contains("2026-13-01", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_JSON_field_that_is_not_text_names_the_item_and_field()
    {
        var json = GoodJson.Replace("\"theme\": \"Duty\"", "\"theme\": 42", StringComparison.Ordinal);

        var problem = ReadFails("p.json", json);

        Assert.Equal("item 2, field theme", Where(problem));
    }

    [Fact]
    public void Bad_date_in_CSV_names_the_line_and_field()
    {
        var csv = GoodCsv.Replace("2026-12-05", "2026-13-01", StringComparison.Ordinal);

        var problem = ReadFails("p.csv", csv);

        Assert.Equal("line 3, field date", Where(problem));
        Assert.Contains("2026-13-01", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_date_in_CSV_after_a_field_spanning_lines_names_the_file_line()
    {
        const string csv = "theme,quote,source,prompt,date\n好学,\"第一行\n第二行\",《论语》,想一想,\nDuty,Men exist.,Marcus Aurelius,Whom?,2026-13-01\n";

        var problem = ReadFails("p.csv", csv);

        Assert.Equal("line 4, field date", Where(problem));
    }

    [Fact]
    public void Bad_date_in_a_CSV_with_Windows_line_endings_names_the_line()
    {
        var csv = GoodCsv.Replace("2026-12-05", "2026-13-01", StringComparison.Ordinal).ReplaceLineEndings("\r\n");

        var problem = ReadFails("p.csv", csv);

        Assert.Equal("line 3, field date", Where(problem));
    }

    [Fact]
    public void An_intention_that_is_not_true_or_false_names_where_in_each_format()
    {
        var yaml = ReadFails("p.yaml", GoodYaml.Replace("intention: true", "intention: maybe", StringComparison.Ordinal));
        var json = ReadFails("p.json", GoodJson.Replace("\"intention\": true", "\"intention\": \"yes\"", StringComparison.Ordinal));
        var csv = ReadFails("p.csv", GoodCsv.Replace(",,TRUE", ",,yes", StringComparison.Ordinal));

        Assert.Equal("line 14, item 3, field intention: must be true or false", yaml.ToString());
        Assert.Equal("item 3, field intention: must be true or false", json.ToString());
        Assert.Equal("line 4, field intention: must be true or false", csv.ToString());
    }

    [Fact]
    public void A_badly_quoted_CSV_field_names_the_line()
    {
        const string csv = "theme,quote,source,prompt,date\nDuty,Men exist.,Marcus Aurelius,Whom?,\nLearning,a \"master\" thinker,Seneca,Which book?,\n";

        var problem = ReadFails("p.csv", csv);

        Assert.Equal("line 3", Where(problem));
    }

    [Fact]
    public void CSV_missing_a_header_column_names_line_1_and_the_column()
    {
        const string csv = """
            theme,quote,prompt,date
            好学,学而时习之，不亦说乎？,今天学的哪一点值得明天再温习一遍？,
            """;

        var problem = ReadFails("p.csv", csv);

        Assert.Equal("line 1", Where(problem));
        Assert.Contains("source", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_CSV_is_refused_at_line_1()
    {
        var problem = ReadFails("p.csv", "");

        Assert.Equal("line 1", Where(problem));
    }

    // What a pack may not hold at all

    [Theory]
    [InlineData("p.yaml")]
    [InlineData("p.json")]
    public void A_file_of_100000_opening_brackets_is_refused_as_too_deep_at_line_1(string fileName)
    {
        Assert.Equal(("PackTooDeep", 1), Refused(fileName, HostilePacks.Brackets));
    }

    [Fact]
    public void A_YAML_alias_bomb_is_refused_at_its_first_anchor()
    {
        Assert.Equal(("PackAnchor", 4), Refused("p.yaml", HostilePacks.AliasBomb()));
    }

    [Fact]
    public void A_YAML_alias_is_refused_naming_its_line()
    {
        var yaml = GoodYaml.Replace("quote: 静以修身，俭以养德。", "quote: *wisdom", StringComparison.Ordinal);

        Assert.Equal(("PackAnchor", 15), Refused("p.yaml", yaml));
    }

    [Fact]
    public void A_YAML_key_that_is_a_list_is_refused_naming_its_line()
    {
        Assert.Equal(("PackKeyNotText", 1), Refused("p.yaml", "[pack, name]: x\n" + GoodYaml));
    }

    [Fact]
    public void A_YAML_field_holding_a_list_is_refused_as_too_deep_naming_its_line()
    {
        var yaml = GoodYaml.Replace("theme: Duty", "theme: [Duty, Care]", StringComparison.Ordinal);

        Assert.Equal(("PackTooDeep", 9), Refused("p.yaml", yaml));
    }

    [Fact]
    public void A_JSON_field_holding_a_list_is_refused_as_too_deep_naming_its_line()
    {
        var json = GoodJson.Replace("\"theme\": \"Duty\"", "\"theme\": [\"Duty\"]", StringComparison.Ordinal);

        Assert.Equal(("PackTooDeep", 7), Refused("p.json", json));
    }

    // The validator

    [Fact]
    public void A_good_pack_has_no_problems()
    {
        var pack = PackReader.Read("p.yaml", GoodYaml, EnglishToday);

        Assert.Empty(Validator().Validate(pack));
    }

    [Fact]
    public void A_missing_field_is_reported_with_item_and_field()
    {
        const string yaml = """
            pack: test-pack
            language: en
            start: 2026-12-01
            items:
              - theme: Duty
                quote: Men exist for the sake of one another.
                source: Marcus Aurelius
                prompt: Whom will you help?
              - theme: Learning
                source: Seneca
                prompt: Which book deserves a second reading?
            """;

        var problems = Validator().Validate(PackReader.Read("p.yaml", yaml, EnglishToday));

        Assert.Equal(["item 2, field quote: is missing"], Said(problems));
    }

    [Fact]
    public void A_blank_field_counts_as_missing()
    {
        var problems = Validator().Validate(Pack([Item("A"), new ContentItem("Theme", "B", "  ", "Prompt", null)]));

        Assert.Equal(["item 2, field source: is missing"], Said(problems));
    }

    [Fact]
    public void An_unknown_language_is_reported()
    {
        var problems = Validator().Validate(Pack([Item("A")], language: "fr"));

        Assert.Equal(["field language: 'fr' is not one of zh-CN, en"], Said(problems));
    }

    [Fact]
    public void A_missing_pack_name_is_reported()
    {
        var problems = Validator().Validate(new ContentPack(" ", "en", Start, [Item("A")]));

        Assert.Equal(["field pack: is missing"], Said(problems));
    }

    [Fact]
    public void A_duplicate_quote_is_reported_naming_the_first()
    {
        var problems = Validator().Validate(Pack([Item("A"), Item("B"), Item(" A ")]));

        Assert.Equal(["item 3, field quote: repeats item 1"], Said(problems));
    }

    [Fact]
    public void Two_items_pinned_to_the_same_date_are_reported()
    {
        var date = new DateOnly(2026, 12, 5);

        var problems = Validator().Validate(Pack([Item("A"), Item("B", date), Item("C", date)]));

        Assert.Equal(["item 3, field date: 2026-12-05 is already pinned by item 2"], Said(problems));
    }

    [Fact]
    public void An_item_over_4096_characters_once_formatted_is_reported()
    {
        // The English delivery text adds 62 characters to theme, quote, source and prompt (1 + 1 + 1 here).
        var problems = Validator().Validate(Pack([Item(new string('x', 4032)) with { Theme = "T", Source = "S", Prompt = "P" }]));

        Assert.Equal(["item 1: formatted it is 4097 characters, over Telegram's 4096"], Said(problems));
    }

    [Fact]
    public void An_item_of_exactly_4096_characters_once_formatted_is_accepted()
    {
        var problems = Validator().Validate(Pack([Item(new string('x', 4031)) with { Theme = "T", Source = "S", Prompt = "P" }]));

        Assert.Empty(problems);
    }

    [Fact]
    public void A_Chinese_item_is_measured_with_the_Chinese_delivery_text()
    {
        // The Chinese delivery text adds 30 characters: 4064 + 3 + 30 = 4097.
        var tooLong = new ContentItem("主", new string('学', 4064), "源", "思", null);
        var justFits = new ContentItem("主", new string('学', 4063), "源", "思", null);

        Assert.Equal(["item 1: formatted it is 4097 characters, over Telegram's 4096"], Said(Validator().Validate(Pack([tooLong], language: "zh-CN"))));
        Assert.Empty(Validator().Validate(Pack([justFits], language: "zh-CN")));
    }

    [Fact]
    public void A_pack_without_items_is_reported()
    {
        var problems = Validator().Validate(Pack([]));

        Assert.Equal(["field items: the pack has no items"], Said(problems));
    }

    [Fact]
    public void Every_problem_of_a_pack_is_reported_at_once()
    {
        var date = new DateOnly(2026, 12, 5);

        var problems = Validator().Validate(Pack([Item("A", date), new ContentItem("", "A", "Source", "Prompt", date)], language: "de"));

        Assert.Equal(
            [
                "field language: 'de' is not one of zh-CN, en",
                "item 2, field theme: is missing",
                "item 2, field quote: repeats item 1",
                "item 2, field date: 2026-12-05 is already pinned by item 1",
            ],
            Said(problems));
    }

    // The packs that ship

    [Fact]
    public void The_shipped_packs_are_one_Chinese_and_one_English_pack_of_at_least_40_items()
    {
        var packs = ShippedPacks.Load();

        Assert.Equal(2, packs.Count);
        Assert.True(packs.Single(p => p.Language == "zh-CN").Items.Count >= 40);
        Assert.True(packs.Single(p => p.Language == "en").Items.Count >= 40);
    }

    [Fact]
    public void The_shipped_packs_are_valid()
    {
        var validator = Validator();

        foreach (var pack in ShippedPacks.Load())
        {
            Assert.Empty(validator.Validate(pack));
        }
    }

    [Fact]
    public void Every_shipped_item_has_theme_quote_source_and_prompt()
    {
        foreach (var pack in ShippedPacks.Load())
        {
            Assert.All(pack.Items, item =>
            {
                Assert.False(string.IsNullOrWhiteSpace(item.Theme));
                Assert.False(string.IsNullOrWhiteSpace(item.Quote));
                Assert.False(string.IsNullOrWhiteSpace(item.Source));
                Assert.False(string.IsNullOrWhiteSpace(item.Prompt));
            });
        }
    }
}
