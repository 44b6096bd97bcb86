namespace StudyBot.Telegram;

public interface IBotCommand
{
    string Name { get; }

    CommandAudience Audience { get; }

    Task HandleAsync(CommandContext context, CancellationToken cancellationToken);
}

public enum CommandAudience
{
    Learner,
    Admin,
}
