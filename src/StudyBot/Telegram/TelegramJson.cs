using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Telegram.Bot;
using Telegram.Bot.Requests;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace StudyBot.Telegram;

// The JSON we store ourselves (updates in the inbox, a broadcast's formatting, a post's buttons)
// goes through Telegram.Bot's own options, its source-generated metadata and converters: the same
// text Telegram sends, and no run-time reflection, which a native build does not have.
internal static class TelegramJson
{
    public static JsonTypeInfo<Update> Update => Metadata<Update>();

    public static JsonTypeInfo<MessageEntity[]> Entities => Metadata<MessageEntity[]>();

    public static JsonTypeInfo<InlineKeyboardMarkup> Keyboard => Metadata<InlineKeyboardMarkup>();

    // Telegram.Bot's serializer builds its metadata for an update or a message (a hundred-odd
    // properties, nested) on first use: about 0.2 s of CPU. Built once at start-up, it is not built
    // by the first batch of updates, on every thread that handles one at the same moment.
    public static void PrepareMetadata()
    {
        EnsureResolver();
        foreach (var type in new[] { typeof(ApiResponse<Update[]>), typeof(ApiResponse<Message>), typeof(SendMessageRequest), typeof(Update) })
        {
            JsonBotAPI.Options.GetTypeInfo(type);
        }
    }

    // The options cache what they built, so asking again is a lookup.
    private static JsonTypeInfo<T> Metadata<T>()
    {
        EnsureResolver();
        return (JsonTypeInfo<T>)JsonBotAPI.Options.GetTypeInfo(typeof(T));
    }

    // Telegram.Bot sets its source-generated resolver only where reflection is off (the native
    // build); run by dotnet, its options wait for the serializer's first call to fill in the
    // reflection-based one. This does that first.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Runs only where reflection-based serialization is on, never in the native build.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Runs only where reflection-based serialization is on, never in the native build.")]
    private static void EnsureResolver()
    {
        if (JsonBotAPI.Options.IsReadOnly)
        {
            return;
        }

        // Locked options keep the metadata they build; unlocked ones build it again on every call.
        if (JsonSerializer.IsReflectionEnabledByDefault)
        {
            JsonBotAPI.Options.MakeReadOnly(populateMissingResolver: true);
        }
        else
        {
            JsonBotAPI.Options.MakeReadOnly();
        }
    }
}
