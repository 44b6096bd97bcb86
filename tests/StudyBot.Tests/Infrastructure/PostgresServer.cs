using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace StudyBot.Tests.Infrastructure;

// The PostgreSQL the data tests run on: STUDYBOT_TEST_POSTGRES (a connection string with the right
// to create databases) when set, otherwise a private throwaway cluster started on first use from the
// machine's PostgreSQL binaries, on 127.0.0.1 and a free port, stopped when the test run ends.
// Each test world gets a fresh database of its own, so tests run in parallel without sharing rows.
public static class PostgresServer
{
    private static readonly Lazy<Task<string>> Admin = new(StartAsync);

    public static async Task<string> CreateDatabaseAsync()
    {
        var admin = await Admin.Value;
        var name = $"studybot_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 40, Timezone = "UTC" }.ToString();
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(await Admin.Value);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("STUDYBOT_TEST_POSTGRES") is { Length: > 0 } given)
        {
            return given;
        }

        var bin = FindBinaries();
        DeleteFoldersOfEndedRuns();
        var folder = Path.Combine(Path.GetTempPath(), $"studybot-pg-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var data = Path.Combine(folder, "data");
        Directory.CreateDirectory(folder);

        // PostgreSQL refuses to run as root; CI runs as root, so the server runs as the postgres user there.
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["postgres:postgres", folder]);
        }

        var port = FreePort();
        await RunServerToolAsync(asRoot, Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);

        // Test data is thrown away with the cluster, so durability is traded for speed here only.
        var options = $"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 -c timezone=UTC";
        await RunServerToolAsync(asRoot, Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(folder, "server.log"), "-o", options, "-w", "-t", "60", "start"]);

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            // Stopping must not hang the end of the run; the folder is the cluster, so it goes too.
            using var stop = Process.Start(StartInfo(asRoot, Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "-t", "20", "stop"]))!;
            stop.WaitForExit(25_000);
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        };

        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=30;Command Timeout=60";
    }

    // A test host can end without running ProcessExit, or before its server has let go of the
    // folder: clusters of test processes that no longer run are removed here.
    private static void DeleteFoldersOfEndedRuns()
    {
        foreach (var stale in Directory.GetDirectories(Path.GetTempPath(), "studybot-pg-*"))
        {
            var parts = Path.GetFileName(stale).Split('-');
            if (parts.Length < 4 || !int.TryParse(parts[2], out var pid) || IsRunning(pid))
            {
                continue;
            }

            try
            {
                Directory.Delete(stale, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string FindBinaries()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).OrderDescending()
            : Enumerable.Empty<string>();
        return candidates.FirstOrDefault(dir => File.Exists(Path.Combine(dir, "pg_ctl")))
            ?? throw new InvalidOperationException("No PostgreSQL server binaries under /usr/lib/postgresql/*/bin: install the postgresql package (.ci/run does) or set STUDYBOT_TEST_POSTGRES to a server's connection string.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task RunServerToolAsync(bool asRoot, string tool, IReadOnlyList<string> arguments) =>
        RunAsync(StartInfo(asRoot, tool, arguments));

    private static Task RunAsync(string tool, IReadOnlyList<string> arguments) => RunAsync(new ProcessStartInfo(tool, arguments));

    private static async Task RunAsync(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    private static ProcessStartInfo StartInfo(bool asRoot, string tool, IReadOnlyList<string> arguments) =>
        asRoot ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", tool, .. arguments]) : new ProcessStartInfo(tool, arguments);
}
