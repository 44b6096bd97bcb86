using System.Diagnostics;
using System.Globalization;

namespace StudyBot.Bench;

// CPU used so far by the bot, by this bench process (the fake included) and by the whole machine.
internal readonly record struct CpuSample(TimeSpan Bot, TimeSpan Bench, TimeSpan Machine, long At)
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on Linux

    public static CpuSample Take(TimeSpan bot) => new(bot, Environment.CpuUsage.TotalTime, MachineBusy(), Stopwatch.GetTimestamp());

    // Busy time of all cores from /proc/stat: user, nice, system, irq, softirq and steal.
    private static TimeSpan MachineBusy()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var busy = new[] { 1, 2, 3, 6, 7, 8 }.Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));
        return TimeSpan.FromSeconds(busy / TicksPerSecond);
    }
}
