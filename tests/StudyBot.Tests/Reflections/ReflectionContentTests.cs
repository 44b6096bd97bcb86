using StudyBot.Reflections;
using Telegram.Bot.Types;

namespace StudyBot.Tests.Reflections;

public sealed class ReflectionContentTests
{
    private static PhotoSize Size(string id, int width, int height, long? bytes = null) =>
        new() { FileId = id, FileUniqueId = "u-" + id, Width = width, Height = height, FileSize = bytes };

    [Fact]
    public void A_photo_is_kept_by_its_largest_size_the_bot_may_download()
    {
        var message = new Message
        {
            Photo = [Size("small", 90, 67), Size("large", 1280, 960, 300_000), Size("huge", 5000, 4000, 25_000_000)],
            Caption = "p. 12",
        };

        Assert.Equal(new ReflectionContent(ReflectionKind.Photo, "p. 12", "large"), ReflectionContent.Of(message));
    }

    [Fact]
    public void Of_two_sizes_as_large_the_later_is_taken_since_the_original_comes_last()
    {
        var message = new Message { Photo = [Size("thumbnail", 64, 48), Size("original", 64, 48)] };

        Assert.Equal("original", ReflectionContent.Of(message)!.FileId);
    }

    [Fact]
    public void A_voice_message_keeps_its_length_and_a_sticker_is_no_answer()
    {
        var voice = new Message { Voice = new Voice { FileId = "v", FileUniqueId = "u-v", Duration = 45 } };
        var sticker = new Message { Sticker = new Sticker { FileId = "s", FileUniqueId = "u-s" } };

        Assert.Equal(new ReflectionContent(ReflectionKind.Voice, "", "v", 45), ReflectionContent.Of(voice));
        Assert.Null(ReflectionContent.Of(sticker));
    }
}
