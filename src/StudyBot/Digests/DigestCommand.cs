using StudyBot.Localization;
using StudyBot.Telegram.Routing;

namespace StudyBot.Digests;

// /digest on|off switches the Sunday evening digest; anything else explains itself and changes nothing.
internal sealed class DigestCommand(DigestStore store, Texts texts) : IBotCommand
{
    public string Name => "digest";
    public CommandAudience Audience => CommandAudience.Learner;

    public async Task HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (context.Learner is not { IsSubscribed: true } learner)
        {
            context.Reply(texts.Get(context.Language, "NotSubscribed"));
            return;
        }

        bool? wanted = context.Arguments.Trim().ToLowerInvariant() switch
        {
            "on" => true,
            "off" => false,
            _ => null,
        };
        if (wanted is not { } enabled)
        {
            var now = await store.IsEnabledAsync(learner.ChatId, cancellationToken) ?? true;
            context.Reply(texts.Get(learner.Language, "DigestUsage", texts.Get(learner.Language, now ? "DigestStateOn" : "DigestStateOff")));
            return;
        }

        await store.SetEnabledAsync(learner.ChatId, enabled, cancellationToken);
        context.Reply(texts.Get(learner.Language, enabled ? "DigestOn" : "DigestOff"));
    }
}
