using System.Data;
using System.Globalization;
using Dapper;

namespace StudyBot.Data;

// Instants are UTC DateTime everywhere. SQLite keeps them as fixed-width ISO text with 'Z',
// so string order is time order and the next_delivery_utc index answers range queries.
internal sealed class UtcDateTimeHandler : SqlMapper.TypeHandler<DateTime>
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
    private static int registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 0)
        {
            SqlMapper.AddTypeHandler(new UtcDateTimeHandler());
            SqlMapper.AddTypeHandler(new DateOnlyHandler());
        }
    }

    public static string ToText(DateTime value) => ToUtc(value).ToString(Format, CultureInfo.InvariantCulture);

    public override void SetValue(IDbDataParameter parameter, DateTime value)
    {
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
