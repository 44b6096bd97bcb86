using Microsoft.Extensions.Logging;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;

namespace StudyBot.Telegram.Receiving;

// A file a user sent (a content pack, a calendar, a photo answer), read into memory up to a size:
// a file larger than that is never held whole, whatever Telegram says its size is.
internal sealed partial class DocumentDownloads(ITelegramBotClient client, ILogger<DocumentDownloads> logger)
{
    /// <returns>The file's bytes, or null if it is larger than maxBytes.</returns>
    public Task<byte[]?> DownloadAsync(Document document, int maxBytes, CancellationToken cancellationToken) =>
        DownloadAsync(document.FileId, document.FileSize, document.FileName ?? "?", maxBytes, cancellationToken);

    /// <param name="knownSize">The size the message gave, if any.</param>
    /// <returns>The file's bytes, or null if it is larger than maxBytes.</returns>
    public async Task<byte[]?> DownloadAsync(string fileId, long? knownSize, string name, int maxBytes, CancellationToken cancellationToken)
    {
        if (knownSize > maxBytes)
        {
            return null;
        }

        var file = await client.GetFile(fileId, cancellationToken);
        if (file.FileSize > maxBytes)
        {
            return null;
        }

        // The sizes above may be missing (Telegram leaves them out at times) or wrong; the bytes
        // themselves are counted as they arrive and the download stopped past the limit.
        using var buffer = new CappedBuffer(maxBytes);
        try
        {
            await client.DownloadFile(file, buffer, cancellationToken);
        }
        catch (RequestException) when (buffer.Exceeded)
        {
            LogDownloadStopped(name, maxBytes);
            return null;
        }

        return buffer.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped downloading file {FileName} past {Limit} bytes")]
    private partial void LogDownloadStopped(string fileName, int limit);
}

// Collects a download in memory and fails the write that would take it past limit bytes, which
// stops the download there.
file sealed class CappedBuffer(int limit) : Stream
{
    private readonly MemoryStream collected = new();

    public bool Exceeded { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => collected.Length;

    public override long Position
    {
        get => collected.Length;
        set => throw new NotSupportedException();
    }

    public byte[] ToArray() => collected.ToArray();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (collected.Length + buffer.Length > limit)
        {
            Exceeded = true;
            throw new InvalidDataException($"The file is larger than {limit} bytes.");
        }

        collected.Write(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer, offset, count);
        return Task.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            collected.Dispose();
        }

        base.Dispose(disposing);
    }
}
