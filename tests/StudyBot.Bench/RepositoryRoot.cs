namespace StudyBot.Bench;

// The repository root is the directory holding Bot.sln, found upwards from where the bench runs.
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(directory.FullName, "Bot.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new BenchFailure("Cannot find the repository root (a directory with Bot.sln) above the current directory or the bench's binaries");
    }
}
