using Telegram.Bot;
using Telegram.Bot.Requests;
using Telegram.Bot.Types;

namespace StudyBot.Telegram;

internal static class TelegramJson
{
    // Telegram.Bot's serializer builds its metadata for an update or a message (a hundred-odd
    // properties, nested) on first use: about 0.2 s of CPU. Built once at start-up, it is not built
    // by the first batch of updates, on every thread that handles one at the same moment.
    public static void PrepareMetadata()
    {
        // What the serializer's first call does anyway: fills in the default resolver and locks the options.
        JsonBotAPI.Options.MakeReadOnly(populateMissingResolver: true);
        foreach (var type in new[] { typeof(ApiResponse<Update[]>), typeof(ApiResponse<Message>), typeof(SendMessageRequest), typeof(Update) })
        {
            JsonBotAPI.Options.GetTypeInfo(type);
        }
    }
}
