using System.Data;
using System.Globalization;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace StudyBot.Data;

// Instants are UTC DateTime everywhere. On SQLite they are text in exactly the format
// Microsoft.Data.Sqlite itself writes for a DateTime parameter (Dapper does not route every
// DateTime parameter through a handler), so all stored instants compare as strings in time
// order and the next_delivery_utc index answers range queries. On PostgreSQL they are timestamptz.
// Reads come back as UTC. Dapper's handlers are process-wide, so the provider is read off the
// parameter itself, not from a setting.
internal sealed class UtcDateTimeHandler : SqlMapper.TypeHandler<DateTime>
{
    private const string Format = "yyyy-MM-dd HH:mm:ss.FFFFFFF";
    private static string ToText(DateTime value) => ToUtc(value).ToString(Format, CultureInfo.InvariantCulture);

    public override void SetValue(IDbDataParameter parameter, DateTime value)
    {
        if (parameter is NpgsqlParameter npgsql)
        {
            npgsql.NpgsqlDbType = NpgsqlDbType.TimestampTz;
            npgsql.Value = ToUtc(value);
            return;
        }

        parameter.DbType = DbType.String;
        parameter.Value = ToText(value);
    }

    public override DateTime Parse(object value) => value switch
    {
        string text => DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
        DateTime dateTime => DateTime.SpecifyKind(dateTime, DateTimeKind.Utc),
        _ => throw new DataException($"Cannot read {value.GetType().Name} as a UTC instant"),
    };

    private static DateTime ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };
}
