namespace StudyBot.Bench;

// A run that cannot give figures: the bot failed, exited or timed out.
internal sealed class BenchFailure(string message) : Exception(message);
