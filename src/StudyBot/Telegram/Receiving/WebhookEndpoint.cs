using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Configuration;
using StudyBot.Hosting;
using Telegram.Bot.Types;

namespace StudyBot.Telegram.Receiving;

// POST from Telegram: secret first (constant-time), then a bounded body, then the update is
// stored in the inbox before the 200 goes back, so a crash after answering loses nothing.
// Telegram posts again until it gets a 2xx; the inbox's update_id key makes that a no-op.
// An instance that does not lead only stores: the leader handles it (InboxFollower).
internal sealed partial class WebhookEndpoint(UpdateInbox inbox, ChatLanes lanes, Leadership leadership, IOptions<TelegramOptions> options, ILogger<WebhookEndpoint> logger)
{
    public const int MaxBodyBytes = 1024 * 1024;

    private readonly byte[] secret = Encoding.UTF8.GetBytes(options.Value.WebhookSecret ?? "");

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var given = Encoding.UTF8.GetBytes(context.Request.Headers["X-Telegram-Bot-Api-Secret-Token"].ToString());
        if (secret.Length == 0 || !CryptographicOperations.FixedTimeEquals(given, secret))
        {
            LogUnauthorized(context.Connection.RemoteIpAddress?.ToString() ?? "?");
            return Results.Unauthorized();
        }

        if (context.Request.ContentLength > MaxBodyBytes)
        {
            LogRejected("too large");
            return Results.BadRequest();
        }

        Update? update;
        try
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            if (body.Length > MaxBodyBytes)
            {
                LogRejected("too large");
                return Results.BadRequest();
            }

            body.Position = 0;
            update = await JsonSerializer.DeserializeAsync(body, TelegramJson.Update, context.RequestAborted);
        }
        catch (JsonException)
        {
            update = null;
        }

        if (update is null || update.Id <= 0)
        {
            LogRejected("not an update");
            return Results.BadRequest();
        }

        // The leader reserves the id before it stores, or its own replay of the inbox could take the
        // update up between the store and the enqueue and handle it a second time. A post that finds
        // the update stored already (Telegram posting again) leaves it to that replay.
        var holdsReservation = leadership.Elected && lanes.TryReserve(update.Id);
        try
        {
            var stored = await inbox.StoreAsync([update], context.RequestAborted);
            if (holdsReservation && stored.Count > 0 && leadership.Elected)
            {
                holdsReservation = false;
                await lanes.QueueReservedAsync(stored[0], context.RequestAborted);
            }
        }
        finally
        {
            if (holdsReservation)
            {
                lanes.ReleaseReservation(update.Id);
            }
        }

        return Results.Ok();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook request from {Remote} without the right secret")]
    private partial void LogUnauthorized(string remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook request rejected: {Reason}")]
    private partial void LogRejected(string reason);
}
