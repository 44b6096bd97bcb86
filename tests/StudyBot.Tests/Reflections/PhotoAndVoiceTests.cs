using System.Text;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using SkiaSharp;
using StudyBot.Tests.Groups;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Reflections;

public sealed class PhotoAndVoiceTests
{
    private const long Organizer = 501;

    // A photo of handwritten notes, as a real JPEG of that many pixels.
    private static byte[] Jpeg(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(SKColors.SteelBlue);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 80);
        return data.ToArray();
    }

    // A group with its wall on and a course from 2026-12-07, whose member 11 got today's prompt, in English.
    private static async Task<TestWorld> MemberWithTodayAsync()
    {
        var world = await TestWorld.StartAsync();
        var created = await world.Learner(TestWorld.AdminId).SendAsync("/newgroup Readers");
        await world.Learner(Organizer).SendAsync("/start o_" + Regex.Match(created.Text, "o_([a-z2-7]+)").Groups[1].Value);
        await world.Learner(Organizer).SendAsync("/groupset start=2026-12-07 end=2027-03-07");
        await world.Learner(11).SendAsync("/start j_" + Regex.Match(created.Text, "j_([a-z2-7]+)").Groups[1].Value);
        await world.Learner(11).SendAsync("/language en");
        await world.Learner(11).SendAsync("/today");
        return world;
    }

    [Fact]
    public async Task A_photo_and_a_voice_message_are_reflections_kept_by_file_id_and_shown_in_history()
    {
        await using var world = await MemberWithTodayAsync();
        var learner = world.Learner(11);

        var before = learner.Received;
        var photo = world.Api.UserSendsPhoto(11, Jpeg(1280, 960), 1280, 960, caption: "My notes on the passage");
        var photoSaved = await learner.NextAsync(before);
        Assert.StartsWith("Saved your photo as your reflection.", photoSaved.Text, StringComparison.Ordinal);
        Assert.Equal("Share with the group", Assert.Single(photoSaved.Buttons).Text);

        before = learner.Received;
        world.Api.UserSendsVoice(11, 45);
        Assert.StartsWith("Saved your voice answer (0:45).", (await learner.NextAsync(before)).Text, StringComparison.Ordinal);

        // The largest size's file id, not the thumbnail's; nothing of the files is stored.
        var saved = await world.Db.QueryAsync<(long Kind, string Text, string FileId, long? Duration)>(
            "SELECT kind, text, file_id, duration_seconds FROM reflections ORDER BY id");
        Assert.Equal((1L, "My notes on the passage", photo.Photo![^1].FileId, (long?)null), saved[0]);
        Assert.Equal(2L, saved[1].Kind);
        Assert.Equal("", saved[1].Text);
        Assert.Equal(45L, saved[1].Duration);

        // An edited caption changes the saved text and adds nothing.
        before = learner.Received;
        world.Api.UserEdits(photo, "My notes, corrected");
        Assert.StartsWith("Updated your reflection", (await learner.NextAsync(before)).Text, StringComparison.Ordinal);
        Assert.Equal(2, await world.Db.CountAsync("reflections"));

        var history = await learner.SendAsync("/history");
        Assert.Contains("voice 0:45", history.Text, StringComparison.Ordinal);
        Assert.Contains("photo: My notes, corrected", history.Text, StringComparison.Ordinal);

        // The organizer's export of everyone's reflections names them the same way, in their language.
        world.Api.UserSends(Organizer, "/exportall");
        var csv = await world.Api.WaitForMessageAsync(Organizer, m => m.FileName?.EndsWith(".csv", StringComparison.Ordinal) == true);
        var rows = Encoding.UTF8.GetString(csv.FileContent!);
        Assert.Contains("照片：My notes, corrected", rows, StringComparison.Ordinal);
        Assert.Contains("语音 0:45", rows, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sticker_is_no_answer_and_is_explained()
    {
        await using var world = await MemberWithTodayAsync();
        var learner = world.Learner(11);

        var before = learner.Received;
        world.Api.UserSendsSticker(11);

        Assert.Contains("photos and voice messages", (await learner.NextAsync(before)).Text, StringComparison.Ordinal);
        Assert.Equal(0, await world.Db.CountAsync("reflections"));
    }

    [Fact]
    public async Task Export_places_photos_in_the_docx_lists_voice_answers_and_opens_with_the_course()
    {
        await using var world = await MemberWithTodayAsync();
        var learner = world.Learner(11);
        var notes = Jpeg(3000, 1000);
        var before = learner.Received;
        world.Api.UserSendsPhoto(11, notes, 3000, 1000, caption: "Page one");
        await learner.NextAsync(before);

        // A "photo" whose bytes are no image: left out, and the document says so in its place.
        before = learner.Received;
        world.Api.UserSendsPhoto(11, Encoding.UTF8.GetBytes("<html>not a picture</html>"), 800, 600);
        await learner.NextAsync(before);
        before = learner.Received;
        world.Api.UserSendsVoice(11, 75);
        await learner.NextAsync(before);

        before = learner.Received;
        world.Api.UserSends(11, "/export");
        var docx = await learner.NextAsync(before);
        var markdown = await learner.NextAsync(before + 1);

        using var package = WordprocessingDocument.Open(new MemoryStream(docx.FileContent!), false);
        Assert.Empty(new OpenXmlValidator().Validate(package));
        var picture = Assert.Single(package.MainDocumentPart!.ImageParts);
        Assert.Equal("image/jpeg", picture.ContentType);
        using (var stream = picture.GetStream())
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            Assert.Equal(notes, copy.ToArray());
        }

        // 3000 × 1000 pixels scaled to the text's width (9,072 twips), its shape kept.
        var extent = package.MainDocumentPart.Document!.Descendants<DocumentFormat.OpenXml.Drawing.Wordprocessing.Extent>().Single();
        Assert.Equal(9072L * 635, extent.Cx!.Value);
        Assert.Equal(9072L * 635 / 3, extent.Cy!.Value, tolerance: 1);

        var paragraphs = package.MainDocumentPart.Document.Body!.Elements<DocumentFormat.OpenXml.Wordprocessing.Paragraph>().Select(p => p.InnerText).ToList();
        Assert.Equal("Course: Readers (2026-12-07 to 2027-03-07)", paragraphs[1]);
        Assert.Contains("Page one", paragraphs);
        Assert.Contains("photo (the photo could not be fetched from Telegram)", paragraphs);
        Assert.Contains("voice 1:15", paragraphs);

        var text = Encoding.UTF8.GetString(markdown.FileContent!);
        Assert.Contains("Course: Readers (2026-12-07 to 2027-03-07)", text, StringComparison.Ordinal);
        // The day's prompt asks what the learner will do: the answers are next steps.
        Assert.Contains("** *photo* Page one\n", text, StringComparison.Ordinal);
        Assert.Contains("** *voice 1:15*\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_photo_replying_to_the_days_post_in_the_linked_chat_is_the_members_reflection()
    {
        await using var setup = await GroupChatSetup.StartAsync();
        var post = await setup.PostAtAsync(GroupChatSetup.MondayPost);

        var reply = setup.Api.UserSendsPhotoInGroup(GroupChatSetup.Chat, GroupChatSetup.Member, Jpeg(640, 480), 640, 480, "Notes from tonight", post.MessageId);

        await setup.Api.WaitUntilAsync(() => setup.Api.ReactionsOn(GroupChatSetup.Chat, reply.Id) is { Count: > 0 } reactions ? reactions : null);
        var saved = await setup.World.Db.QueryAsync<(long Kind, string Text, string FileId)>(
            "SELECT kind, text, file_id FROM reflections WHERE chat_id = @Member", new { GroupChatSetup.Member });
        Assert.Equal((1L, "Notes from tonight", reply.Photo![^1].FileId), Assert.Single(saved));
    }
}
