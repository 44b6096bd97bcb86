using StudyBot.FakeBotApi;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace StudyBot.Tests.Telegram;

// The fake's group chats, driven through the real Telegram.Bot client as in FakeBotApiTests.cs.
public sealed partial class FakeBotApiTests
{
    private const long Group = -4001;
    private const long Supergroup = -1001234567890;
    private const long Owner = 501;
    private const long Learner = 502;

    [Fact]
    public async Task Adding_the_bot_to_a_group_is_a_my_chat_member_update_from_the_user_who_did_it()
    {
        server.CreateGroupChat(Group, "Algebra club");
        server.AddBotToGroup(Group, byUserId: Owner);
        server.ChangeBotStatusInGroup(Group, Owner, ChatMemberStatus.Administrator);

        var updates = await bot.GetUpdates(timeout: 0);

        Assert.Equal(2, updates.Length);
        var added = updates[0].MyChatMember;
        Assert.NotNull(added);
        Assert.Equal(Group, added.Chat.Id);
        Assert.Equal(ChatType.Group, added.Chat.Type);
        Assert.Equal("Algebra club", added.Chat.Title);
        Assert.Equal(Owner, added.From.Id);
        Assert.Equal(ChatMemberStatus.Left, added.OldChatMember.Status);
        Assert.Equal(ChatMemberStatus.Member, added.NewChatMember.Status);
        Assert.Equal(FakeBotApiServer.BotUserId, added.NewChatMember.User.Id);
        Assert.True(added.NewChatMember.User.IsBot);
        var promoted = updates[1].MyChatMember;
        Assert.Equal(ChatMemberStatus.Member, promoted?.OldChatMember.Status);
        Assert.IsType<ChatMemberAdministrator>(promoted?.NewChatMember);
    }

    [Fact]
    public async Task Users_post_in_a_group_and_a_reply_carries_the_original_with_its_sender()
    {
        server.CreateGroupChat(Supergroup, "Physics", supergroup: true);
        server.AddBotToGroup(Supergroup, byUserId: Owner);
        var question = await bot.SendMessage(Supergroup, "What is 2+2?");
        var command = server.UserSendsInGroup(Supergroup, Learner, "/quiz@StudyTestBot");
        var answer = server.UserSendsInGroup(Supergroup, 503, "4", replyToMessageId: question.Id);
        server.UserSendsInGroup(Supergroup, Owner, "agreed", replyToMessageId: answer.Id);

        var messages = (await bot.GetUpdates(timeout: 0)).Select(u => u.Message).OfType<Message>().ToList();

        Assert.Equal(ChatType.Supergroup, question.Chat.Type);
        Assert.Equal("Physics", question.Chat.Title);
        Assert.Equal(3, messages.Count);
        Assert.All(messages, m => Assert.Equal((Supergroup, ChatType.Supergroup, "Physics"), (m.Chat.Id, m.Chat.Type, m.Chat.Title)));
        Assert.Equal(command.Id, messages[0].Id);
        Assert.Equal(Learner, messages[0].From?.Id);
        var entity = Assert.Single(messages[0].Entities ?? []);
        Assert.Equal((MessageEntityType.BotCommand, "/quiz@StudyTestBot".Length), (entity.Type, entity.Length));
        var toBot = messages[1].ReplyToMessage;
        Assert.Equal(question.Id, toBot?.Id);
        Assert.Equal(FakeBotApiServer.BotUserId, toBot?.From?.Id);
        Assert.True(toBot?.From?.IsBot);
        Assert.Equal("What is 2+2?", toBot?.Text);
        var toUser = messages[2].ReplyToMessage;
        Assert.Equal((answer.Id, 503L, "4"), (toUser?.Id, toUser?.From?.Id, toUser?.Text));
        Assert.Null(toUser?.ReplyToMessage);
        Assert.Throws<InvalidOperationException>(() => server.UserSendsInGroup(Supergroup, Learner, "?", replyToMessageId: 999));
    }

    [Fact]
    public async Task A_button_press_in_a_group_comes_from_the_user_who_pressed()
    {
        server.CreateGroupChat(Group, "Study group");
        server.AddBotToGroup(Group, byUserId: Owner);
        var shown = await bot.SendMessage(Group, "Join?", replyMarkup: new InlineKeyboardMarkup(InlineKeyboardButton.WithCallbackData("Join", "join")));
        server.UserPresses(Group, shown.Id, "join", fromId: Learner);

        var press = (await bot.GetUpdates(timeout: 0)).Select(u => u.CallbackQuery).OfType<CallbackQuery>().Single();

        Assert.Equal(Learner, press.From.Id);
        Assert.Equal((Group, ChatType.Group), (press.Message?.Chat.Id, press.Message?.Chat.Type));
        Assert.Throws<ArgumentException>(() => server.UserPresses(Group, shown.Id, "join"));
    }

    [Fact]
    public async Task Sends_to_a_group_are_recorded_and_the_21st_within_a_minute_gets_429()
    {
        server.Limits = new FakeLimits();
        server.CreateGroupChat(Group, "Chemistry");
        server.AddBotToGroup(Group, byUserId: Owner);
        var refused = new List<ApiRequestException>();
        for (var i = 1; i <= 21; i++)
        {
            if (await TrySendAsync(Group, $"post {i}") is { } error)
            {
                refused.Add(error);
            }
        }

        // A private chat keeps its own limit: one a second.
        await bot.SendMessage(7, "private");
        var tooSoon = await TrySendAsync(7, "private again");

        var refusal = Assert.Single(refused);
        Assert.Equal(429, refusal.ErrorCode);
        Assert.InRange(refusal.Parameters?.RetryAfter ?? 0, 1, 60);
        Assert.Equal(20, server.SentTo(Group).Count);
        Assert.Equal("post 20", server.SentTo(Group)[^1].Text);
        Assert.Equal(1, server.GroupLimitHits);
        Assert.Equal(429, tooSoon?.ErrorCode);
        Assert.Equal(1, server.ChatLimitHits);
    }

    [Fact]
    public async Task A_group_the_bot_is_not_in_refuses_sends_with_403()
    {
        server.CreateGroupChat(Group, "History");
        var neverAdded = await TrySendAsync(Group, "hello?");
        server.AddBotToGroup(Group, byUserId: Owner);
        await bot.SendMessage(Group, "hello!");
        server.RemoveBotFromGroup(Group, byUserId: Owner);
        var removed = await TrySendAsync(Group, "still here?");

        Assert.Equal((403, "Forbidden: bot is not a member of the group chat"), (neverAdded?.ErrorCode, neverAdded?.Message));
        Assert.Equal((403, "Forbidden: bot is not a member of the group chat"), (removed?.ErrorCode, removed?.Message));
        Assert.Equal(["hello!"], server.SentTo(Group).Select(m => m.Text));
        var left = (await bot.GetUpdates(timeout: 0))[^1].MyChatMember;
        Assert.Equal((ChatMemberStatus.Member, ChatMemberStatus.Left), (left?.OldChatMember.Status, left?.NewChatMember.Status));
        Assert.Throws<InvalidOperationException>(() => server.UserSendsInGroup(Group, Learner, "anyone?"));
    }

    [Fact]
    public async Task A_supergroup_that_kicked_the_bot_refuses_sends_and_member_checks_with_403()
    {
        server.CreateGroupChat(Supergroup, "Biology", supergroup: true);
        server.AddBotToGroup(Supergroup, byUserId: Owner, asAdministrator: true);
        await bot.SendMessage(Supergroup, "hello");
        server.RemoveBotFromGroup(Supergroup, byUserId: Owner, kicked: true);

        var refused = await TrySendAsync(Supergroup, "hello?");
        var memberCheck = await Assert.ThrowsAsync<ApiRequestException>(() => bot.GetChatMember(Supergroup, Owner));

        Assert.Equal((403, "Forbidden: bot was kicked from the supergroup chat"), (refused?.ErrorCode, refused?.Message));
        Assert.Equal((403, "Forbidden: bot was kicked from the supergroup chat"), (memberCheck.ErrorCode, memberCheck.Message));
        var kicked = (await bot.GetUpdates(timeout: 0))[^1].MyChatMember;
        Assert.Equal((ChatMemberStatus.Administrator, ChatMemberStatus.Kicked), (kicked?.OldChatMember.Status, kicked?.NewChatMember.Status));
        Assert.Single(server.SentTo(Supergroup));
    }

    [Fact]
    public async Task The_bot_leaving_a_group_sees_its_own_update_and_then_gets_403()
    {
        server.CreateGroupChat(Group, "Music");
        server.AddBotToGroup(Group, byUserId: Owner);

        await bot.LeaveChat(Group);

        var left = (await bot.GetUpdates(timeout: 0))[^1].MyChatMember;
        Assert.Equal(FakeBotApiServer.BotUserId, left?.From.Id);
        Assert.Equal(ChatMemberStatus.Left, left?.NewChatMember.Status);
        Assert.Equal(403, (await TrySendAsync(Group, "back?"))?.ErrorCode);
    }

    [Fact]
    public async Task A_migrated_group_answers_400_with_the_supergroup_which_keeps_its_members()
    {
        server.CreateGroupChat(Group, "Geometry");
        server.AddBotToGroup(Group, byUserId: Owner, asAdministrator: true);
        server.SetGroupMember(Group, Owner, ChatMemberStatus.Creator);

        server.MigrateGroupToSupergroup(Group, Supergroup, byUserId: Owner);

        var messages = (await bot.GetUpdates(timeout: 0)).Select(u => u.Message).OfType<Message>().ToList();
        Assert.Equal(2, messages.Count);
        Assert.Equal((Group, ChatType.Group, Supergroup, Owner), (messages[0].Chat.Id, messages[0].Chat.Type, messages[0].MigrateToChatId, messages[0].From?.Id));
        Assert.Equal(MessageType.MigrateToChatId, messages[0].Type);
        Assert.Equal((Supergroup, ChatType.Supergroup, Group), (messages[1].Chat.Id, messages[1].Chat.Type, messages[1].MigrateFromChatId));
        var refused = await TrySendAsync(Group, "hello");
        Assert.Equal((400, "Bad Request: group chat was upgraded to a supergroup chat"), (refused?.ErrorCode, refused?.Message));
        Assert.Equal(Supergroup, refused?.Parameters?.MigrateToChatId);
        var moved = await bot.SendMessage(Supergroup, "hello again");
        Assert.Equal((ChatType.Supergroup, "Geometry"), (moved.Chat.Type, moved.Chat.Title));
        Assert.Equal(ChatMemberStatus.Creator, (await bot.GetChatMember(Supergroup, Owner)).Status);
        Assert.Equal(ChatMemberStatus.Administrator, (await bot.GetChatMember(Supergroup, FakeBotApiServer.BotUserId)).Status);
        Assert.Empty(server.SentTo(Group));
        Assert.Throws<InvalidOperationException>(() => server.UserSendsInGroup(Group, Owner, "old group"));
    }

    [Fact]
    public async Task Get_chat_member_answers_the_status_the_test_set_and_left_for_strangers()
    {
        server.CreateGroupChat(Group, "Literature");
        server.AddBotToGroup(Group, byUserId: Owner);
        server.SetGroupMember(Group, Owner, ChatMemberStatus.Creator);
        server.SetGroupMember(Group, Learner, ChatMemberStatus.Administrator);
        server.SetGroupMember(Group, 503, ChatMemberStatus.Member);
        server.SetGroupMember(Group, 504, ChatMemberStatus.Kicked);

        Assert.IsType<ChatMemberOwner>(await bot.GetChatMember(Group, Owner));
        var admin = Assert.IsType<ChatMemberAdministrator>(await bot.GetChatMember(Group, Learner));
        Assert.Equal(Learner, admin.User.Id);
        Assert.IsType<ChatMemberMember>(await bot.GetChatMember(Group, 503));
        Assert.IsType<ChatMemberBanned>(await bot.GetChatMember(Group, 504));
        Assert.IsType<ChatMemberLeft>(await bot.GetChatMember(Group, 999));
        Assert.Equal(ChatMemberStatus.Member, (await bot.GetChatMember(Group, FakeBotApiServer.BotUserId)).Status);
        var unknown = await Assert.ThrowsAsync<ApiRequestException>(() => bot.GetChatMember(-4999, Owner));
        Assert.Equal((400, "Bad Request: chat not found"), (unknown.ErrorCode, unknown.Message));
    }

    [Fact]
    public async Task The_bots_reaction_on_a_message_is_recorded_one_at_a_time()
    {
        server.CreateGroupChat(Group, "Art");
        server.AddBotToGroup(Group, byUserId: Owner);
        var post = server.UserSendsInGroup(Group, Learner, "I finished the quiz");
        var own = await bot.SendMessage(Group, "Well done");

        await bot.SetMessageReaction(Group, post.Id, [new ReactionTypeEmoji { Emoji = "👍" }]);
        Assert.Equal(["👍"], server.ReactionsOn(Group, post.Id));
        await bot.SetMessageReaction(Group, post.Id, [new ReactionTypeEmoji { Emoji = "🔥" }]);
        await bot.SetMessageReaction(Group, own.Id, [new ReactionTypeEmoji { Emoji = "👀" }]);
        Assert.Equal(["🔥"], server.ReactionsOn(Group, post.Id));
        await bot.SetMessageReaction(Group, post.Id, []);
        Assert.Empty(server.ReactionsOn(Group, post.Id));

        var two = await Assert.ThrowsAsync<ApiRequestException>(() => bot.SetMessageReaction(Group, post.Id, [new ReactionTypeEmoji { Emoji = "👍" }, new ReactionTypeEmoji { Emoji = "🔥" }]));
        var heartWithVariationSelector = await Assert.ThrowsAsync<ApiRequestException>(() => bot.SetMessageReaction(Group, post.Id, [new ReactionTypeEmoji { Emoji = "\u2764\uFE0F" }]));
        var missing = await Assert.ThrowsAsync<ApiRequestException>(() => bot.SetMessageReaction(Group, 999, [new ReactionTypeEmoji { Emoji = "👍" }]));
        Assert.Equal("Bad Request: REACTIONS_TOO_MANY", two.Message);
        Assert.Equal("Bad Request: REACTION_INVALID", heartWithVariationSelector.Message);
        Assert.Equal((400, "Bad Request: message to react not found"), (missing.ErrorCode, missing.Message));
        Assert.Empty(server.ReactionsOn(Group, post.Id));
        Assert.Equal(["👀"], server.ReactionsOn(Group, own.Id));
    }

    [Fact]
    public async Task Command_menus_record_their_scope_and_deletions()
    {
        server.CreateGroupChat(Group, "Languages");
        server.AddBotToGroup(Group, byUserId: Owner);

        await bot.SetMyCommands([new BotCommand { Command = "quiz", Description = "Start a quiz" }], BotCommandScope.Chat(Group));
        await bot.SetMyCommands([new BotCommand { Command = "settings", Description = "Group settings" }], BotCommandScope.ChatAdministrators(Group));
        await bot.SetMyCommands([new BotCommand { Command = "mine", Description = "My scores" }], BotCommandScope.ChatMember(Group, Learner), languageCode: "de");
        await bot.DeleteMyCommands(BotCommandScope.Chat(Group));

        var calls = server.CommandMenus;
        Assert.Equal(["chat", "chat_administrators", "chat_member", "chat"], calls.Select(c => c.ScopeType));
        Assert.All(calls, c => Assert.Equal(Group, c.ChatId));
        Assert.Equal([null, null, Learner, null], calls.Select(c => c.UserId));
        Assert.Equal("de", calls[2].LanguageCode);
        Assert.Equal([false, false, false, true], calls.Select(c => c.Deleted));
        Assert.Empty(calls[3].Commands);
        Assert.Null(server.CommandMenuFor("chat", Group));
        Assert.Equal([("settings", "Group settings")], server.CommandMenuFor("chat_administrators", Group));
        Assert.Equal([("mine", "My scores")], server.CommandMenuFor("chat_member", Group, Learner, "de"));
        Assert.Null(server.CommandMenuFor("chat_member", Group, Learner));
    }

    [Fact]
    public void Group_ids_are_held_to_telegrams_ranges()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => server.CreateGroupChat(Group, "Too small", supergroup: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => server.CreateGroupChat(Supergroup, "Too big"));
        Assert.Throws<ArgumentOutOfRangeException>(() => server.CreateGroupChat(4001, "A user"));
        server.CreateGroupChat(Group, "Once");
        Assert.Throws<InvalidOperationException>(() => server.CreateGroupChat(Group, "Twice"));

        // A private chat's helper would make a group's message without its title and sender.
        Assert.Throws<InvalidOperationException>(() => server.UserSends(Group, "hi"));
    }
}
