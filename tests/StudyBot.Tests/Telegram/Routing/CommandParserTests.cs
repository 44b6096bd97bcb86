using StudyBot.Telegram.Routing;

namespace StudyBot.Tests.Telegram.Routing;

public sealed class CommandParserTests
{
    private const string BotName = "StudyTestBot";

    [Fact]
    public void Command_with_an_argument_gives_name_and_argument()
    {
        Assert.Equal(new ParsedCommand("time", "07:30"), CommandParser.Parse("/time 07:30", BotName));
    }

    [Fact]
    public void Command_without_arguments_gives_empty_arguments()
    {
        Assert.Equal(new ParsedCommand("start", ""), CommandParser.Parse("/start", BotName));
    }

    [Fact]
    public void Command_addressed_to_this_bot_is_ours()
    {
        Assert.Equal(new ParsedCommand("time", "07:30"), CommandParser.Parse("/time@StudyTestBot 07:30", BotName));
    }

    [Fact]
    public void Bot_username_matches_whatever_its_case()
    {
        Assert.Equal(new ParsedCommand("time", "07:30"), CommandParser.Parse("/time@studytestbot 07:30", BotName));
        Assert.Equal(new ParsedCommand("help", ""), CommandParser.Parse("/help@STUDYTESTBOT", BotName));
    }

    [Fact]
    public void Command_addressed_to_another_bot_is_not_ours()
    {
        Assert.Null(CommandParser.Parse("/time@OtherBot", BotName));
        Assert.Null(CommandParser.Parse("/time@OtherBot 07:30", BotName));
    }

    [Fact]
    public void A_lone_slash_is_not_a_command()
    {
        Assert.Null(CommandParser.Parse("/", BotName));
    }

    [Fact]
    public void A_slash_with_only_an_addressee_is_not_a_command()
    {
        Assert.Null(CommandParser.Parse("/@StudyTestBot", BotName));
    }

    [Fact]
    public void Plain_text_is_not_a_command()
    {
        Assert.Null(CommandParser.Parse("I will read one chapter tonight.", BotName));
        Assert.Null(CommandParser.Parse("学而时习之", BotName));
        Assert.Null(CommandParser.Parse("", BotName));
    }

    [Fact]
    public void Text_with_a_slash_later_on_is_not_a_command()
    {
        Assert.Null(CommandParser.Parse("see /help", BotName));
        Assert.Null(CommandParser.Parse(" /help", BotName));
    }

    [Fact]
    public void Upper_case_command_names_are_lowered()
    {
        Assert.Equal(new ParsedCommand("time", "07:30"), CommandParser.Parse("/TIME 07:30", BotName));
        Assert.Equal(new ParsedCommand("today", ""), CommandParser.Parse("/ToDay@StudyTestBot", BotName));
    }

    [Fact]
    public void Argument_case_is_kept()
    {
        Assert.Equal(new ParsedCommand("timezone", "Asia/Shanghai"), CommandParser.Parse("/timezone Asia/Shanghai", BotName));
    }

    [Fact]
    public void Multi_line_arguments_are_trimmed_at_both_ends_and_kept_inside()
    {
        var parsed = CommandParser.Parse("/broadcast  \n  Meeting moved.\n\nRoom 3 at 19:00  \n", BotName);

        Assert.Equal(new ParsedCommand("broadcast", "Meeting moved.\n\nRoom 3 at 19:00"), parsed);
    }

    [Fact]
    public void A_newline_right_after_the_name_ends_the_name()
    {
        Assert.Equal(new ParsedCommand("broadcast", "第一行\n第二行"), CommandParser.Parse("/broadcast\n第一行\n第二行", BotName));
    }

    [Fact]
    public void Extra_spaces_between_name_and_argument_are_dropped()
    {
        Assert.Equal(new ParsedCommand("time", "07:30"), CommandParser.Parse("/time    07:30   ", BotName));
    }
}
