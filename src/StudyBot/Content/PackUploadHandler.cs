using Microsoft.Extensions.Logging;
using StudyBot.Audit;
using StudyBot.Delivery;
using StudyBot.Telegram.Sending;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;

namespace StudyBot.Content;

// A document an admin sends is a content pack: downloaded, validated whole, imported or refused.
internal sealed partial class PackUploadHandler(
    ITelegramBotClient client,
    PackImporter importer,
    AuditLog audit,
    BotMessenger messenger,
    TimeProvider time,
    ILogger<PackUploadHandler> logger)
{
    public async Task HandleAsync(Message message, string language, string timeZone, CancellationToken cancellationToken)
    {
        var document = message.Document!;
        var today = DeliverySchedule.LocalDate(time.GetUtcNow().UtcDateTime, Learners.TimeZones.Get(timeZone));
        var outcome = await DownloadAsync(document, cancellationToken) is { } bytes
            ? await importer.ImportAsync(document.FileName ?? "pack", bytes, message.Caption, language, today, cancellationToken)
            : importer.TooLarge(language);
        LogImport(message.From?.Id ?? 0, document.FileName ?? "?", outcome.Summary is not null);
        var details = outcome.Summary is { } summary
            ? $"{document.FileName}: pack {summary.PackName}, {summary.ItemsAdded} added, {summary.ItemsReplaced} replaced"
            : $"{document.FileName}: refused";
        await audit.WriteAsync(message.From?.Id ?? 0, AuditLog.Actions.Import, details, cancellationToken);
        await messenger.SendTextAsync(message.Chat.Id, outcome.Message, cancellationToken, replyToMessageId: message.Id);
    }

    /// <returns>The file's bytes, or null if it is larger than a pack may be.</returns>
    private async Task<byte[]?> DownloadAsync(Document document, CancellationToken cancellationToken)
    {
        if (document.FileSize > PackImporter.MaxBytes)
        {
            return null;
        }

        var file = await client.GetFile(document.FileId, cancellationToken);
        if (file.FileSize > PackImporter.MaxBytes)
        {
            return null;
        }

        // The sizes above may be missing (Telegram leaves them out at times) or wrong; the bytes
        // themselves are counted as they arrive and the download stopped past the limit.
        using var buffer = new CappedBuffer(PackImporter.MaxBytes);
        try
        {
            await client.DownloadFile(file, buffer, cancellationToken);
        }
        catch (RequestException) when (buffer.Exceeded)
        {
            LogDownloadStopped(document.FileName ?? "?", PackImporter.MaxBytes);
            return null;
        }

        return buffer.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {UserId} sent pack file {FileName}; imported: {Imported}")]
    private partial void LogImport(long userId, string fileName, bool imported);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped downloading pack file {FileName} past {Limit} bytes")]
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
