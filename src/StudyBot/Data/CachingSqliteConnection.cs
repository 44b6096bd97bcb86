using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace StudyBot.Data;

// Microsoft.Data.Sqlite compiles the SQL of every new command again (it keeps a prepared statement
// only for the life of one command object, dotnet/efcore#14044), and Dapper creates a new command
// for every call: parsing and planning the same few statements took about a sixth of the bot's CPU
// on the reply path. This connection hands Dapper a command that wraps one it already prepared for
// the same SQL text, and takes it back when Dapper disposes it. The connection itself is long-lived
// (SqliteReaderPool keeps a few open for reads, and the writer has its one), so the statements are too.
//
// SQLite only: PostgreSQL's driver has its own statement preparation (Npgsql's auto-prepare).
internal sealed class CachingSqliteConnection(string connectionString, Func<CachingSqliteConnection, bool>? giveBack = null)
    : SqliteConnection(connectionString)
{
    // Enough for every distinct statement the bot runs, kept most recently used first. SQL built
    // per call (a literal id list) is long and never repeats: it is not kept at all.
    private const int MaxStatements = 128;
    private const int MaxKeptSqlLength = 2048;

    private readonly Dictionary<string, LinkedListNode<SqliteCommand>> idle = new(StringComparer.Ordinal);
    private readonly LinkedList<SqliteCommand> recent = new();
    private bool closing;

    // Read connections go back to SqliteReaderPool when disposed, if it takes them.
    public bool IsReusable => State == ConnectionState.Open && Transaction is null && !closing;

    protected override DbCommand CreateDbCommand() => new CachedCommand(this);

    // SQLite's own page cache, per connection, is 2 MB by default; with the idle readers and the
    // writer open that is up to 18 MB of pages the operating system's file cache holds anyway.
    public override void Open()
    {
        base.Open();
        using var command = base.CreateDbCommand();
        command.CommandText = "PRAGMA cache_size = -512";
        command.ExecuteNonQuery();
    }

    public override void Close()
    {
        ForgetStatements();
        base.Close();
    }

    // Disposing a pooled read connection returns it to SqliteReaderPool instead of closing it.
    protected override void Dispose(bool disposing)
    {
        if (disposing && !closing && giveBack is not null && IsReusable && giveBack(this))
        {
            return;
        }

        closing = true;
        ForgetStatements();
        base.Dispose(disposing);
    }

    public void CloseForGood()
    {
        closing = true;
        Dispose();
    }

    internal SqliteCommand Rent(string sql)
    {
        if (idle.Remove(sql, out var node))
        {
            recent.Remove(node);
            var command = node.Value;
            command.Parameters.Clear();
            command.Transaction = Transaction;
            return command;
        }

        var fresh = CreateCommand();
        fresh.CommandText = sql;
        return fresh;
    }

    internal void Return(SqliteCommand command)
    {
        if (closing || State != ConnectionState.Open || command.CommandText.Length > MaxKeptSqlLength || idle.ContainsKey(command.CommandText))
        {
            command.Dispose();
            return;
        }

        idle.Add(command.CommandText, recent.AddFirst(command));
        if (recent.Count > MaxStatements)
        {
            var oldest = recent.Last!.Value;
            recent.RemoveLast();
            idle.Remove(oldest.CommandText);
            oldest.Dispose();
        }
    }

    private void ForgetStatements()
    {
        foreach (var command in recent)
        {
            command.Dispose();
        }

        idle.Clear();
        recent.Clear();
    }

    // Dapper names parameters without their '@'. Microsoft.Data.Sqlite then looks the name up as
    // given, fails, and walks every parameter of the statement comparing names with each prefix
    // (marshalling each name): for the sweep's inserts that was a tenth of the CPU. The SQL here
    // always writes @Name, so the name is given with it.
    private sealed class PrefixedParameter : SqliteParameter
    {
        [AllowNull]
        public override string ParameterName
        {
            get => base.ParameterName;
            set => base.ParameterName = value is { Length: > 0 } name && name[0] is not ('@' or '$' or ':') ? "@" + name : value;
        }
    }

    // What Dapper sees: every setting is kept here until the SQL text is known, then applied to the
    // prepared command for that text. A command whose execution failed, or whose reader is still
    // open when it is disposed, is not reused.
    private sealed class CachedCommand(CachingSqliteConnection connection) : DbCommand
    {
        private SqliteCommand? inner;
        private DbTransaction? transaction;
        private SqliteDataReader? reader;
        private bool failed;

        [AllowNull]
        public override string CommandText
        {
            get => inner?.CommandText ?? "";
            set
            {
                value ??= "";
                if (inner is not null)
                {
                    // Dapper sets the same text again before each row of a multi-row execute.
                    if (string.Equals(inner.CommandText, value, StringComparison.Ordinal))
                    {
                        return;
                    }

                    ReleaseInner();
                }

                inner = connection.Rent(value);
                if (transaction is not null)
                {
                    inner.Transaction = (SqliteTransaction)transaction;
                }
            }
        }

        public override int CommandTimeout
        {
            get => Inner.CommandTimeout;
            set => Inner.CommandTimeout = value;
        }

        public override CommandType CommandType
        {
            get => CommandType.Text;
            set
            {
                if (value != CommandType.Text)
                {
                    throw new ArgumentException("Only CommandType.Text is supported", nameof(value));
                }
            }
        }

        public override bool DesignTimeVisible { get; set; }

        public override UpdateRowSource UpdatedRowSource { get; set; }

        protected override DbConnection? DbConnection
        {
            get => connection;
            set
            {
                if (!ReferenceEquals(value, connection))
                {
                    throw new InvalidOperationException("A cached command stays on its connection");
                }
            }
        }

        protected override DbParameterCollection DbParameterCollection => Inner.Parameters;

        protected override DbTransaction? DbTransaction
        {
            get => transaction;
            set
            {
                transaction = value;
                if (inner is not null)
                {
                    inner.Transaction = (SqliteTransaction?)value;
                }
            }
        }

        private SqliteCommand Inner => inner ?? throw new InvalidOperationException("Set CommandText first");

        public override void Cancel() => Inner.Cancel();

        public override void Prepare() => Inner.Prepare();

        public override int ExecuteNonQuery() => Run(() => Inner.ExecuteNonQuery());

        public override object? ExecuteScalar() => Run(() => Inner.ExecuteScalar());

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) =>
            reader = Run(() => Inner.ExecuteReader(behavior));

        public override Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(ExecuteNonQuery());
        }

        public override Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(ExecuteScalar());
        }

        protected override Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(ExecuteDbDataReader(behavior));
        }

        protected override DbParameter CreateDbParameter() => new PrefixedParameter();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                ReleaseInner();
            }

            base.Dispose(disposing);
        }

        private void ReleaseInner()
        {
            if (inner is null)
            {
                return;
            }

            if (failed || reader is { IsClosed: false })
            {
                inner.Dispose();
            }
            else
            {
                connection.Return(inner);
            }

            (inner, reader, failed) = (null, null, false);
        }

        private T Run<T>(Func<T> execute)
        {
            try
            {
                return execute();
            }
            catch
            {
                failed = true;
                throw;
            }
        }
    }
}
