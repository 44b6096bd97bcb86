using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using StudyBot.Data;

namespace StudyBot.Web;

// The one-time links of /web and the browser sessions they open. Tokens are 256 random bits handed
// to the user once; the tables keep only their SHA-256, so a leaked database opens no session.
internal sealed class WebSessions(Database database, TimeProvider time)
{
    public static readonly TimeSpan LinkValidity = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromDays(7);

    // A new link ends the user's earlier unused ones; expired links of anyone are cleared on the way.
    public Task<string> CreateLinkAsync(long chatId, CancellationToken cancellationToken)
    {
        var token = NewToken();
        var now = time.GetUtcNow().UtcDateTime;
        var parameters = new { TokenHash = Hash(token), ChatId = chatId, Now = now, ExpiresUtc = now + LinkValidity, CancellationToken = cancellationToken };
        return database.WriteAsync(async (connection, transaction) =>
        {
            const string clear = "DELETE FROM web_links WHERE chat_id = @ChatId OR expires_utc <= @Now";
            const string insert = "INSERT INTO web_links (token_hash, chat_id, expires_utc) VALUES (@TokenHash, @ChatId, @ExpiresUtc)";
            await connection.ExecuteAsync(clear, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds);
            await connection.ExecuteAsync(insert, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds);
            return token;
        }, cancellationToken);
    }

    // Single use: the link's row is deleted by the statement that reads it, so of two redemptions
    // at once only one gets the user. Null for a link that is unknown, used or expired.
    public Task<OpenedSession?> RedeemLinkAsync(string linkToken, CancellationToken cancellationToken)
    {
        var session = NewToken();
        var now = time.GetUtcNow().UtcDateTime;
        var parameters = new { TokenHash = Hash(linkToken), SessionHash = Hash(session), Now = now, ExpiresUtc = now + SessionLifetime, CancellationToken = cancellationToken };
        return database.WriteAsync(async (connection, transaction) =>
        {
            const string take = "DELETE FROM web_links WHERE token_hash = @TokenHash AND expires_utc > @Now RETURNING chat_id";
            if (await connection.ExecuteScalarAsync<long?>(take, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds) is not { } chatId)
            {
                return null;
            }

            const string open = """
                INSERT INTO web_sessions (token_hash, chat_id, created_utc, expires_utc) VALUES (@SessionHash, @ChatId, @Now, @ExpiresUtc)
                """;
            const string prune = "DELETE FROM web_sessions WHERE expires_utc <= @Now";
            await connection.ExecuteAsync(open, new { parameters.SessionHash, ChatId = chatId, parameters.Now, parameters.ExpiresUtc, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds);
            await connection.ExecuteAsync(prune, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds);
            return new OpenedSession(session, chatId, parameters.ExpiresUtc);
        }, cancellationToken);
    }

    // The user of a live session, or null.
    public async Task<long?> UserOfAsync(string sessionToken, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "SELECT chat_id FROM web_sessions WHERE token_hash = @TokenHash AND expires_utc > @Now";
        var parameters = new { TokenHash = Hash(sessionToken), Now = time.GetUtcNow().UtcDateTime, CancellationToken = cancellationToken };
        return await connection.ExecuteScalarAsync<long?>(sql, parameters, commandTimeout: Database.CommandTimeoutSeconds);
    }

    public Task<int> EndAsync(string sessionToken, CancellationToken cancellationToken)
    {
        const string sql = "DELETE FROM web_sessions WHERE token_hash = @TokenHash";
        var parameters = new { TokenHash = Hash(sessionToken), CancellationToken = cancellationToken };
        return database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    // Every session and unused link of the user (/web logout).
    public Task<int> EndAllAsync(long chatId, CancellationToken cancellationToken)
    {
        const string sessions = "DELETE FROM web_sessions WHERE chat_id = @ChatId";
        const string links = "DELETE FROM web_links WHERE chat_id = @ChatId";
        const string downloads = "DELETE FROM download_links WHERE chat_id = @ChatId";
        var parameters = new { ChatId = chatId, CancellationToken = cancellationToken };
        return database.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(links, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds);
            await connection.ExecuteAsync(downloads, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds);
            return await connection.ExecuteAsync(sessions, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds);
        }, cancellationToken);
    }

    // The page's CSRF token for a session: derived from the session token (which only the cookie
    // holds), so it needs no storage and no key of its own, and a page of another site, which can
    // neither read the cookie nor our API's answers, cannot know it.
    public static string CsrfTokenOf(string sessionToken) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(sessionToken), "studybot-csrf"u8));

    // Also the download links' tokens (DownloadLinks): 256 random bits, URL-safe, kept as SHA-256.
    internal static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    internal static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

internal sealed record OpenedSession(string Token, long ChatId, DateTime ExpiresUtc);
