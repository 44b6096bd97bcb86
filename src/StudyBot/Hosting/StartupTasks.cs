using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Content;
using StudyBot.Data;
using StudyBot.Groups;
using StudyBot.Telegram;

namespace StudyBot.Hosting;

// Runs before the other hosted services start: the schema must exist before anything reads it.
// Instances sharing one PostgreSQL take turns, so two never migrate or load the same pack at once.
internal sealed partial class StartupTasks(
    Database database,
    MigrationRunner migrations,
    ContentStore content,
    PackValidator validator,
    GroupStore groups,
    IOptions<BotOptions> options,
    ILogger<StartupTasks> logger) : IHostedService
{
    private const long StartupLockKey = 0x5354_5544_5942_0001; // "STUDYB" + 1

    public Task StartAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(PrepareDatabaseAsync(cancellationToken), Task.Run(TelegramJson.PrepareMetadata, cancellationToken));

    // All that `StudyBot import` needs before it runs.
    public Task PrepareDatabaseAsync(CancellationToken cancellationToken) =>
        AdvisoryLock.RunExclusivelyAsync(database, StartupLockKey, () => MigrateAndLoadPacksAsync(cancellationToken), cancellationToken);

    private async Task MigrateAndLoadPacksAsync(CancellationToken cancellationToken)
    {
        await migrations.ApplyPendingAsync(cancellationToken);
        await groups.FillDefaultGroupAsync(options.Value, cancellationToken);

        // By name, so a pack an operator imported first does not keep the shipped ones out,
        // and a shipped pack an organizer has since replaced is left as they made it.
        foreach (var pack in ShippedPacks.Load())
        {
            if (await content.SharedPackExistsAsync(pack.Name, cancellationToken))
            {
                continue;
            }

            var problems = validator.Validate(pack);
            if (problems.Count > 0)
            {
                throw new InvalidOperationException($"Shipped pack {pack.Name} is invalid: {problems[0]}");
            }

            var summary = await content.ImportAsync(pack, cancellationToken);
            LogLoaded(summary.PackName, summary.ItemsAdded);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded shipped pack {Pack} with {Items} items")]
    private partial void LogLoaded(string pack, int items);
}
