using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StudyBot.Content;
using StudyBot.Data;

namespace StudyBot.Hosting;

// Runs before the other hosted services start: the schema must exist before anything reads it.
public sealed partial class StartupTasks(MigrationRunner migrations, ContentStore content, PackValidator validator, ILogger<StartupTasks> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await migrations.ApplyPendingAsync(cancellationToken);

        // By name, so a pack an operator imported first does not keep the shipped ones out,
        // and a shipped pack an organizer has since replaced is left as they made it.
        foreach (var pack in ShippedPacks.Load())
        {
            if (await content.PackExistsAsync(pack.Name, cancellationToken))
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
