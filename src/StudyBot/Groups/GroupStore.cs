using System.Security.Cryptography;
using Dapper;
using StudyBot.Configuration;
using StudyBot.Data;
using StudyBot.Learners;

namespace StudyBot.Groups;

internal sealed class GroupStore(Database database, TimeProvider time)
{
    // How long an organizer link lets people in: long enough to reach everyone it was meant for,
    // short enough that a forwarded link stops working.
    public static readonly TimeSpan OrganizerCodeValidity = TimeSpan.FromDays(7);

    private const string Columns = """
        id AS Id, name AS Name, join_code AS JoinCode, organizer_code AS OrganizerCode,
        organizer_code_expires_utc AS OrganizerCodeExpiresUtc, language AS Language, delivery_time AS DeliveryTime,
        time_zone AS TimeZone, pack_name AS PackName, start_date AS StartDate, end_date AS EndDate,
        study_days AS StudyDays, makeup_days AS MakeupDays, points AS Points, leaderboard AS Leaderboard,
        wall AS Wall, wall_time AS WallTime, reminder_time AS ReminderTime, linked_chat_id AS LinkedChatId,
        linked_chat_title AS LinkedChatTitle, linked_by_user_id AS LinkedByUserId, created_utc AS CreatedUtc
        """;

    public async Task<StudyGroup?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = $"SELECT {Columns} FROM study_groups WHERE id = @Id";
        return await connection.QuerySingleOrDefaultAsync<StudyGroup>(sql, new { Id = id, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
    }

    public async Task<StudyGroup?> FindByJoinCodeAsync(string code, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = $"SELECT {Columns} FROM study_groups WHERE join_code = @Code";
        return await connection.QuerySingleOrDefaultAsync<StudyGroup>(sql, new { Code = code.Trim().ToLowerInvariant(), CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
    }

    // The group a Telegram group chat is linked to, if any.
    public async Task<StudyGroup?> FindByLinkedChatAsync(long chatId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = $"SELECT {Columns} FROM study_groups WHERE linked_chat_id = @ChatId";
        return await connection.QuerySingleOrDefaultAsync<StudyGroup>(sql, new { ChatId = chatId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
    }

    // Only while the code is valid: an expired or renewed code finds nothing.
    public async Task<StudyGroup?> FindByOrganizerCodeAsync(string code, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = $"SELECT {Columns} FROM study_groups WHERE organizer_code = @Code AND organizer_code_expires_utc > @Now";
        return await connection.QuerySingleOrDefaultAsync<StudyGroup>(sql, new { Code = code.Trim().ToLowerInvariant(), Now = time.GetUtcNow().UtcDateTime, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds);
    }

    // A new group starts from the deployment's defaults; its course starts the day it is created.
    public async Task<StudyGroup> CreateAsync(string name, BotOptions defaults, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var group = new StudyGroup
        {
            Name = name,
            JoinCode = NewCode(),
            OrganizerCode = NewCode(),
            OrganizerCodeExpiresUtc = now + OrganizerCodeValidity,
            Language = defaults.Language,
            DeliveryTime = defaults.DeliveryTime,
            TimeZone = defaults.TimeZone,
            StartDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, TimeZones.Get(defaults.TimeZone))),
            ReminderTime = string.IsNullOrWhiteSpace(defaults.ReminderTime) ? null : defaults.ReminderTime,
            CreatedUtc = now,
        };
        const string sql = """
            INSERT INTO study_groups (name, join_code, organizer_code, organizer_code_expires_utc, language, delivery_time, time_zone, start_date, reminder_time, created_utc)
            VALUES (@Name, @JoinCode, @OrganizerCode, @OrganizerCodeExpiresUtc, @Language, @DeliveryTime, @TimeZone, @StartDate, @ReminderTime, @CreatedUtc)
            RETURNING id
            """;
        group.Id = await database.WriteAsync((connection, transaction) => connection.ExecuteScalarAsync<long>(sql, new
        {
            group.Name,
            group.JoinCode,
            group.OrganizerCode,
            group.OrganizerCodeExpiresUtc,
            group.Language,
            group.DeliveryTime,
            group.TimeZone,
            group.StartDate,
            group.ReminderTime,
            group.CreatedUtc,
            CancellationToken = cancellationToken,
        }, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
        return group;
    }

    // The default group made by the upgrade takes its settings from the configuration once (its
    // language is empty until then); later changes are the organizers', made with /groupset.
    public Task FillDefaultGroupAsync(BotOptions options, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE study_groups SET language = @Language, delivery_time = @DeliveryTime, time_zone = @TimeZone, reminder_time = @ReminderTime
            WHERE id = @Id AND language = ''
            """;
        var parameters = new
        {
            Id = StudyGroup.DefaultId,
            options.Language,
            options.DeliveryTime,
            options.TimeZone,
            ReminderTime = string.IsNullOrWhiteSpace(options.ReminderTime) ? null : options.ReminderTime,
            CancellationToken = cancellationToken,
        };
        return database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    // Everything /groupset may change, in one statement: all or nothing. A linked chat's next post
    // is planned again at once (its time, zone or days may have changed; no day is posted twice).
    public Task SaveSettingsAsync(StudyGroup group, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE study_groups
            SET name = @Name, language = @Language, delivery_time = @DeliveryTime, time_zone = @TimeZone, pack_name = @PackName,
                start_date = @StartDate, end_date = @EndDate, study_days = @StudyDays, makeup_days = @MakeupDays,
                points = @Points, leaderboard = @Leaderboard, wall = @Wall, wall_time = @WallTime, reminder_time = @ReminderTime,
                next_post_utc = CASE WHEN linked_chat_id IS NULL THEN NULL ELSE @Now END
            WHERE id = @Id
            """;
        var parameters = new
        {
            group.Id,
            group.Name,
            group.Language,
            group.DeliveryTime,
            group.TimeZone,
            group.PackName,
            group.StartDate,
            group.EndDate,
            group.StudyDays,
            group.MakeupDays,
            Points = group.Points ? 1 : 0,
            Leaderboard = group.Leaderboard ? 1 : 0,
            Wall = group.Wall ? 1 : 0,
            group.WallTime,
            group.ReminderTime,
            Now = time.GetUtcNow().UtcDateTime,
            CancellationToken = cancellationToken,
        };
        return database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    // The course's pack alone: an upload activating its pack must not undo a /groupset made meanwhile.
    public Task SetPackAsync(long groupId, string packName, CancellationToken cancellationToken)
    {
        const string sql = "UPDATE study_groups SET pack_name = @PackName WHERE id = @Id";
        var parameters = new { Id = groupId, PackName = packName, CancellationToken = cancellationToken };
        return database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    public async Task<StudyGroup> RenewOrganizerCodeAsync(StudyGroup group, CancellationToken cancellationToken)
    {
        var renewed = group.Copy();
        renewed.OrganizerCode = NewCode();
        renewed.OrganizerCodeExpiresUtc = time.GetUtcNow().UtcDateTime + OrganizerCodeValidity;
        const string sql = "UPDATE study_groups SET organizer_code = @OrganizerCode, organizer_code_expires_utc = @OrganizerCodeExpiresUtc WHERE id = @Id";
        var parameters = new { renewed.Id, renewed.OrganizerCode, renewed.OrganizerCodeExpiresUtc, CancellationToken = cancellationToken };
        await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
        return renewed;
    }

    // Groups with their member counts (subscribed: active or paused); every group when ids is null.
    public async Task<IReadOnlyList<GroupSummary>> ListAsync(IReadOnlyCollection<long>? ids, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var filter = ids is null ? "" : "WHERE g.id IN (" + string.Join(", ", ids.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")";
        var sql = $"""
            SELECT g.id AS Id, g.name AS Name,
                   (SELECT COUNT(*) FROM learners l WHERE l.group_id = g.id AND l.status IN (@Active, @Paused)) AS Members
            FROM study_groups g
            {filter}
            ORDER BY g.id
            """;
        // No CancellationToken member with SQL built at run time: Dapper.AOT's generator emits code
        // that does not compile for that pair.
        return (await connection.QueryAsync<GroupSummary>(sql, new { Active = LearnerStatus.Active, Paused = LearnerStatus.Paused }, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
    }

    /// <returns>true when the user was not an organizer of the group before.</returns>
    public async Task<bool> AddOrganizerAsync(long groupId, long userId, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO group_organizers (group_id, user_id, added_utc) VALUES (@GroupId, @UserId, @Now)
            ON CONFLICT (group_id, user_id) DO NOTHING
            """;
        var parameters = new { GroupId = groupId, UserId = userId, Now = time.GetUtcNow().UtcDateTime, CancellationToken = cancellationToken };
        return await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<long>> GroupsOrganizedByAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "SELECT group_id FROM group_organizers WHERE user_id = @UserId ORDER BY group_id";
        return (await connection.QueryAsync<long>(sql, new { UserId = userId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
    }

    public async Task<IReadOnlyList<long>> AllOrganizersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "SELECT DISTINCT user_id FROM group_organizers";
        return (await connection.QueryAsync<long>(sql, new { CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
    }

    /// <returns>(false, null) when the user never picked; (true, null) for "all groups".</returns>
    public async Task<(bool Picked, long? GroupId)> CurrentChoiceAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "SELECT group_id AS GroupId FROM current_groups WHERE user_id = @UserId";
        var rows = (await connection.QueryAsync<CurrentChoice>(sql, new { UserId = userId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
        return rows.Count == 0 ? (false, null) : (true, rows[0].GroupId);
    }

    public Task PickAsync(long userId, long? groupId, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO current_groups (user_id, group_id) VALUES (@UserId, @GroupId)
            ON CONFLICT (user_id) DO UPDATE SET group_id = excluded.group_id
            """;
        var parameters = new { UserId = userId, GroupId = groupId, CancellationToken = cancellationToken };
        return database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    // After a change of the group's calendar: every active member, and the linked chat's post, is
    // due again, so the sweep plans each anew (a day that became a study day today is delivered;
    // none is delivered twice). Due only once every instance's cached copy of the old calendar has
    // expired (GroupCourses.CacheFor): a sweep on another instance must not plan them on it.
    public Task RescheduleMembersAsync(long groupId, CancellationToken cancellationToken)
    {
        const string members = "UPDATE learners SET next_delivery_utc = @Now WHERE group_id = @GroupId AND status = @Active";
        const string post = "UPDATE study_groups SET next_post_utc = @Now WHERE id = @GroupId AND linked_chat_id IS NOT NULL";
        var parameters = new { GroupId = groupId, Now = time.GetUtcNow().UtcDateTime + GroupCourses.CacheFor + TimeSpan.FromSeconds(1), Active = LearnerStatus.Active, CancellationToken = cancellationToken };
        return database.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(members, parameters, transaction, commandTimeout: Database.CommandTimeoutSeconds);
            await connection.ExecuteAsync(post, new { GroupId = groupId, parameters.Now, CancellationToken = cancellationToken }, transaction, commandTimeout: Database.CommandTimeoutSeconds);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<CalendarDay>> CalendarDaysAsync(long groupId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string sql = "SELECT day AS Day, kind AS Kind, note AS Note FROM calendar_days WHERE group_id = @GroupId ORDER BY day";
        return (await connection.QueryAsync<CalendarDay>(sql, new { GroupId = groupId, CancellationToken = cancellationToken }, commandTimeout: Database.CommandTimeoutSeconds)).AsList();
    }

    // All rows in one transaction; a date already listed takes the new kind and note.
    public Task SaveCalendarDaysAsync(long groupId, IReadOnlyList<CalendarDay> days, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO calendar_days (group_id, day, kind, note) VALUES (@GroupId, @Day, @Kind, @Note)
            ON CONFLICT (group_id, day) DO UPDATE SET kind = excluded.kind, note = excluded.note
            """;
        var rows = days.Select(d => new { GroupId = groupId, d.Day, d.Kind, d.Note });
        return database.WriteAsync((connection, transaction) => connection.ExecuteAsync(sql, rows, transaction, commandTimeout: Database.CommandTimeoutSeconds), cancellationToken);
    }

    // Ten characters of a-z and 2-7 (about 50 bits): not guessable, and short enough to type for /join.
    private static string NewCode() => string.Create(10, 0, static (span, _) =>
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        }
    });

    internal sealed class CurrentChoice
    {
        public long? GroupId { get; set; }
    }
}
