using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StudyBot.Configuration;
using StudyBot.Data;

namespace StudyBot.Hosting;

// Several instances on one PostgreSQL elect one leader with a session advisory lock. Only the
// leader polls Telegram (Telegram answers a second poller with 409), handles updates and sends
// the outbox, so Telegram's limits hold for all instances together through one SendGate. The
// others serve webhook posts into the shared inbox and stand by; when the leader dies its
// database session ends, the lock is free, and the next instance to ask takes over.
// On SQLite one process owns the file and leads from the start.
internal sealed partial class Leadership(Database database, ILogger<Leadership> logger) : BackgroundService
{
    public const long LockKey = 0x5354_5544_5942_0002; // "STUDYB" + 2

    // How often a standby asks for the lock, and how often the leader checks its session is alive.
    public static readonly TimeSpan AskInterval = TimeSpan.FromSeconds(2);

    // A leader whose check does not come back in this time stops leading...
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    // ...well before the server ends a session that has been silent this long (a machine that lost
    // power or its network sends nothing, not even a close), which frees the lock for a standby.
    private const string SilentSessionEnds = "10s";

    private volatile TaskCompletionSource<CancellationToken> term = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Elected => database.Provider != DatabaseProvider.Postgres || term.Task.IsCompletedSuccessfully;

    // Completes when this instance leads. The token it gives is cancelled when it stops leading.
    public async Task<CancellationToken> WaitUntilLeadingAsync(CancellationToken stoppingToken)
    {
        if (database.Provider != DatabaseProvider.Postgres)
        {
            return CancellationToken.None;
        }

        return await term.Task.WaitAsync(stoppingToken);
    }

    // Runs `work` for every term this instance leads, until the host stops. The work gets a token
    // cancelled when the term ends or the host stops, and the term's own token. A failure is logged
    // and the work starts again a second later if this instance still leads.
    public async Task WhileLeadingAsync(string work, Func<CancellationToken, CancellationToken, Task> run, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            CancellationToken current;
            try
            {
                current = await WaitUntilLeadingAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, current);
            try
            {
                await run(leading.Token, current);
            }
            catch (OperationCanceledException) when (leading.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                LogWorkFailed(e, work);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database.Provider != DatabaseProvider.Postgres)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var session = await database.OpenSessionAsync(stoppingToken);
                await EndSessionWhenSilentAsync(session, stoppingToken);
                while (!await session.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(@Key)", new { Key = LockKey, CancellationToken = stoppingToken }, commandTimeout: Database.CommandTimeoutSeconds))
                {
                    await Task.Delay(AskInterval, stoppingToken);
                }

                using var leading = new CancellationTokenSource();
                LogLeading();
                term.TrySetResult(leading.Token);
                try
                {
                    // A session that broke may already have lost the lock to another instance: stop at once.
                    while (true)
                    {
                        await Task.Delay(AskInterval, stoppingToken);
                        await session.ExecuteScalarAsync<int>("SELECT 1", commandTimeout: (int)CheckTimeout.TotalSeconds);
                    }
                }
                finally
                {
                    // Callers asking from now on wait for the next term; the ones in this term are told it ended.
                    term = new(TaskCreationOptions.RunContinuationsAsynchronously);
                    await leading.CancelAsync();
                    LogSteppedDown();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogSessionFailed(e);
                await Task.Delay(AskInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    // idle_session_timeout needs PostgreSQL 14; before that, the kernel's TCP keepalives (set short
    // here) are what notices a vanished client.
    private static async Task EndSessionWhenSilentAsync(System.Data.Common.DbConnection session, CancellationToken cancellationToken)
    {
        const string keepalives = "SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3";
        await session.ExecuteAsync(keepalives, commandTimeout: Database.CommandTimeoutSeconds);
        try
        {
            await session.ExecuteAsync($"SET idle_session_timeout = '{SilentSessionEnds}'", commandTimeout: Database.CommandTimeoutSeconds);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UndefinedObject)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "This instance now leads: it polls, handles updates and sends")]
    private partial void LogLeading();

    [LoggerMessage(Level = LogLevel.Information, Message = "This instance no longer leads")]
    private partial void LogSteppedDown();

    [LoggerMessage(Level = LogLevel.Error, Message = "{Work} failed; starting it again shortly")]
    private partial void LogWorkFailed(Exception exception, string work);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The leadership session failed; asking again shortly")]
    private partial void LogSessionFailed(Exception exception);
}
