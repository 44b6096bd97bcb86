using Microsoft.Extensions.Logging;
using StudyBot.Delivery;
using StudyBot.Localization;
using StudyBot.Telegram.Sending;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace StudyBot.Learners;

// my_chat_member: the learner blocked the bot (nothing more is sent) or unblocked it (prompts resume).
internal sealed partial class MembershipHandler(LearnerStore learners, LearnerSchedule schedule, BotMessenger messenger, Texts texts, ILogger<MembershipHandler> logger)
{
    public async Task HandleAsync(ChatMemberUpdated update, CancellationToken cancellationToken)
    {
        if (await learners.GetAsync(update.Chat.Id, cancellationToken) is not { } learner)
        {
            return;
        }

        switch (update.NewChatMember.Status)
        {
            case ChatMemberStatus.Kicked or ChatMemberStatus.Left when learner.Status != LearnerStatus.Blocked:
                await learners.MarkBlockedAsync(learner.ChatId, cancellationToken);
                LogBlocked(learner.ChatId);
                break;
            case ChatMemberStatus.Member or ChatMemberStatus.Administrator when learner.Status == LearnerStatus.Blocked:
                learner.Status = LearnerStatus.Active;
                await schedule.RescheduleAsync(learner, cancellationToken);
                await learners.SaveSettingsAsync(learner, cancellationToken);
                LogUnblocked(learner.ChatId);
                await messenger.SendTextAsync(learner.ChatId, texts.Get(learner.Language, "Unblocked", schedule.DescribeNext(learner)), cancellationToken);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Chat {ChatId} blocked the bot")]
    private partial void LogBlocked(long chatId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Chat {ChatId} unblocked the bot")]
    private partial void LogUnblocked(long chatId);
}
