using System.Data;
using System.Globalization;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace StudyBot.Data;

// Local days are stored as 'yyyy-MM-dd' text on SQLite, which sorts as dates and reads back the same
// everywhere, including from MAX(local_date), where SQLite reports no column type; on PostgreSQL
// they are date.
internal sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
{
    public override void SetValue(IDbDataParameter parameter, DateOnly value)
    {
        if (parameter is NpgsqlParameter npgsql)
        {
            npgsql.NpgsqlDbType = NpgsqlDbType.Date;
            npgsql.Value = value;
            return;
        }

        parameter.DbType = DbType.String;
        parameter.Value = value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    public override DateOnly Parse(object value) => value switch
    {
        string text => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateOnly date => date,
        DateTime dateTime => DateOnly.FromDateTime(dateTime),
        _ => throw new DataException($"Cannot read {value.GetType().Name} as a date"),
    };
}
