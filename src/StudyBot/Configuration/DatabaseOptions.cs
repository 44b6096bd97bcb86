namespace StudyBot.Configuration;

internal sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
    public string ConnectionString { get; set; } = "Data Source=data/studybot.db";
}

internal enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
