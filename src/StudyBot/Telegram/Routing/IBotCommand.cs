namespace StudyBot.Telegram.Routing;

internal interface IBotCommand
{
    string Name { get; }

    CommandAudience Audience { get; }

    Task HandleAsync(CommandContext context, CancellationToken cancellationToken);
}

internal enum CommandAudience
{
    Learner,
    Admin,
}
