using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Delivery;
using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Telegram.Routing;

namespace StudyBot.Groups;

// Subscribing, joining a group by its code, and becoming an organizer by the organizer link: what
// /start (with or without a payload) and /join do.
internal sealed class GroupJoining(
    LearnerStore learners,
    LearnerSchedule schedule,
    GroupStore groups,
    CommandMenus menus,
    Texts texts,
    IOptions<BotOptions> options)
{
    // /start without a code: the default group, unless the deployment only lets people in by invite.
    public async Task StartAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (context.Learner is null && !options.Value.OpenJoin)
        {
            context.Reply(texts.Get(context.Language, "InviteNeeded"));
            return;
        }

        var group = context.Learner is { } existing
            ? await groups.GetAsync(existing.GroupId, cancellationToken)
            : await groups.GetAsync(StudyGroup.DefaultId, cancellationToken);
        await SubscribeAsync(context, group!, cancellationToken);
    }

    public async Task JoinAsync(CommandContext context, string code, CancellationToken cancellationToken)
    {
        if (code.Length == 0 || await groups.FindByJoinCodeAsync(code, cancellationToken) is not { } group)
        {
            context.Reply(texts.Get(context.Language, "JoinCodeUnknown", TextCut.Echo(code)));
            return;
        }

        if (context.Learner is { IsSubscribed: true } member)
        {
            if (member.GroupId == group.Id)
            {
                context.Reply(texts.Get(member.Language, "AlreadyInGroup", group.Name));
                return;
            }

            await learners.MoveToGroupAsync(member.ChatId, group.Id, cancellationToken);
            context.Reply(texts.Get(member.Language, "JoinedGroup", group.Name));
            return;
        }

        if (context.Learner is { } former && former.GroupId != group.Id)
        {
            await learners.MoveToGroupAsync(former.ChatId, group.Id, cancellationToken);
            former.GroupId = group.Id;
        }

        await SubscribeAsync(context, group, cancellationToken);
    }

    public async Task BecomeOrganizerAsync(CommandContext context, string code, CancellationToken cancellationToken)
    {
        var userId = context.Message.From?.Id ?? context.ChatId;
        if (code.Length == 0 || await groups.FindByOrganizerCodeAsync(code, cancellationToken) is not { } group)
        {
            context.Reply(texts.Get(context.Language, "OrganizerCodeInvalid"));
            return;
        }

        if (!await groups.AddOrganizerAsync(group.Id, userId, cancellationToken))
        {
            context.Reply(texts.Get(context.Language, "OrganizerAlready", group.Name));
            return;
        }

        context.Reply(texts.Get(context.Language, "OrganizerAdded", group.Name));
        await menus.SetForOrganizerAsync(context.ChatId, cancellationToken);
    }

    // A new learner takes the group's defaults; a learner coming back keeps their own settings.
    private async Task SubscribeAsync(CommandContext context, StudyGroup group, CancellationToken cancellationToken)
    {
        if (context.Learner is { } existing)
        {
            if (existing.DisplayName != context.DisplayName || existing.Username != context.Username)
            {
                await learners.UpdateNameAsync(existing.ChatId, context.DisplayName, context.Username, cancellationToken);
            }

            switch (existing.Status)
            {
                case LearnerStatus.Active:
                    context.Reply(texts.Get(existing.Language, "AlreadySubscribed", existing.DeliveryTime, existing.TimeZone));
                    return;
                case LearnerStatus.Paused:
                    context.Reply(texts.Get(existing.Language, "AlreadySubscribedPaused"));
                    return;
                default:
                    existing.Status = LearnerStatus.Active;
                    await schedule.RescheduleAsync(existing, cancellationToken);
                    await learners.SaveSettingsAsync(existing, cancellationToken);
                    Welcome(context, existing, group);
                    return;
            }
        }

        var learner = new Learner
        {
            ChatId = context.ChatId,
            DisplayName = context.DisplayName,
            Username = context.Username,
            Language = group.Language,
            TimeZone = group.TimeZone,
            DeliveryTime = group.DeliveryTime,
            Status = LearnerStatus.Active,
            GroupId = group.Id,
        };
        await schedule.RescheduleAsync(learner, cancellationToken);
        if (!await learners.TryCreateAsync(learner, cancellationToken))
        {
            // Another /start of this chat won the insert a moment ago.
            var current = await learners.GetAsync(context.ChatId, cancellationToken);
            context.Reply(texts.Get(current!.Language, "AlreadySubscribed", current.DeliveryTime, current.TimeZone));
            return;
        }

        Welcome(context, learner, group);
    }

    // The default group goes unnamed: a deployment without groups reads as it did before them.
    private void Welcome(CommandContext context, Learner learner, StudyGroup group)
    {
        var welcome = texts.Get(learner.Language, "Welcome", learner.DeliveryTime, learner.TimeZone, schedule.DescribeNext(learner));
        context.Reply(group.Id == StudyGroup.DefaultId ? welcome : texts.Get(learner.Language, "WelcomeGroup", group.Name) + "\n" + welcome);
    }
}
