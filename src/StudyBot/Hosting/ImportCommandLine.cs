using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Content;
using StudyBot.Delivery;
using StudyBot.Learners;

namespace StudyBot.Hosting;

// `StudyBot import FILE [language=.. start=..]`: the operator's way to load a pack, with the same
// checks and the same all-or-nothing import as a pack sent to the bot. Needs no Telegram token.
internal static class ImportCommandLine
{
    public static bool Matches(string[] args) => args.Length > 0 && args[0] == "import";

    public static async Task<int> RunAsync(IHost host, string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length < 2)
        {
            await error.WriteLineAsync("usage: StudyBot import FILE [language=zh-CN|en] [start=YYYY-MM-DD]   (language and start: CSV packs only)");
            return 2;
        }

        var file = args[1];
        if (!File.Exists(file))
        {
            await error.WriteLineAsync($"No such file: {file}");
            return 2;
        }

        var services = host.Services;
        var options = services.GetRequiredService<IOptions<BotOptions>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        await services.GetRequiredService<StartupTasks>().PrepareDatabaseAsync(CancellationToken.None);

        var today = DeliverySchedule.LocalDate(time.GetUtcNow().UtcDateTime, TimeZones.Get(options.TimeZone));
        var caption = string.Join(' ', args.Skip(2));
        var outcome = await services.GetRequiredService<PackImporter>().ImportAsync(
            Path.GetFileName(file), await File.ReadAllBytesAsync(file), caption, options.Language, today, CancellationToken.None);
        await (outcome.Summary is null ? error : output).WriteLineAsync(outcome.Message);
        return outcome.Summary is null ? 1 : 0;
    }
}
