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
            await context.ReplyAsync(texts.Get(context.Language, "NotSubscribed"), cancellationToken);
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
            await context.ReplyAsync(texts.Get(learner.Language, "DigestUsage", texts.Get(learner.Language, now ? "DigestStateOn" : "DigestStateOff")), cancellationToken);
            return;
        }

        await store.SetEnabledAsync(learner.ChatId, enabled, cancellationToken);
        await context.ReplyAsync(texts.Get(learner.Language, enabled ? "DigestOn" : "DigestOff"), cancellationToken);
    }
}
