using SkiaSharp;

namespace StudyBot.Documents;

// A picture to place in a document: its bytes as they came, what they are and their size in
// pixels. Only what the bytes themselves say is trusted: a file that is not a JPEG or PNG image
// Skia can read the header of is no picture (a learner's photo arrives from Telegram, but a
// document must not carry what Word will refuse to open).
internal sealed record Picture(byte[] Bytes, string ContentType, string Extension, int Width, int Height)
{
    public static Picture? Read(byte[] bytes)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null || codec.Info.Width <= 0 || codec.Info.Height <= 0)
        {
            return null;
        }

        return codec.EncodedFormat switch
        {
            SKEncodedImageFormat.Jpeg => new Picture(bytes, "image/jpeg", "jpeg", codec.Info.Width, codec.Info.Height),
            SKEncodedImageFormat.Png => new Picture(bytes, "image/png", "png", codec.Info.Width, codec.Info.Height),
            _ => null,
        };
    }
}
