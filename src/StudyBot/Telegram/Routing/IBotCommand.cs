namespace StudyBot.Telegram.Routing;

internal interface IBotCommand
{
    string Name { get; }

    CommandAudience Audience { get; }

    Task HandleAsync(CommandContext context, CancellationToken cancellationToken);
}

// In rising order: each audience may also use the commands of those before it.
internal enum CommandAudience
{
    Learner,

    // Someone appointed to a group (or an owner); acts on their current group.
    Organizer,

    // The user ids in Bot:AdminIds.
    Owner,
}
