namespace StudyBot.Telegram.Routing;

internal interface IBotCommand
{
    string Name { get; }

    CommandAudience Audience { get; }

    // Whether it works in a group chat; every other command there gets a line pointing to the
    // private chat, so admin output never lands where a whole group reads it.
    bool InGroupChats => false;

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
