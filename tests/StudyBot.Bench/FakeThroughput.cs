using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace StudyBot.Bench;

// How many sendMessage requests the fake answers per second on this machine, so a bot figure can be
// told apart from a fake too slow to measure it. The load comes from this same process and cores,
// over plain sockets (one request in flight per connection) because HttpClient would cost more CPU
// than the fake itself; the figure is still a lower bound.
internal static class FakeThroughput
{
    public static async Task<Report> RunAsync(int seconds, int connections)
    {
        var report = new Report($"fake: sendMessage from {connections} concurrent connections for {seconds} s (after 1 s warm-up)");
        await using var fake = await FakeTelegram.StartAsync(TimeSpan.Zero, enforceLimits: false);
        var address = new Uri(fake.BaseUrl);
        long answered = 0;
        long failed = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds + 1));
        var measureFrom = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        long answeredBeforeMeasuring = -1;
        var cpuBefore = default(CpuSample);

        async Task LoadAsync(int chatId)
        {
            var body = $$"""{"chat_id":{{chatId}},"text":"Saved your reflection (111 characters)."}""";
            var request = Encoding.ASCII.GetBytes(
                $"POST /bot{FakeTelegram.Token}/sendMessage HTTP/1.1\r\nHost: {address.Authority}\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}");
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(address.Host, address.Port);
            var buffer = new byte[16 * 1024];
            while (!stop.IsCancellationRequested)
            {
                await socket.SendAsync(request);
                if (!await ReadResponseAsync(socket, buffer))
                {
                    Interlocked.Increment(ref failed);
                    return;
                }

                Interlocked.Increment(ref answered);
                if (Stopwatch.GetTimestamp() >= measureFrom)
                {
                    if (Interlocked.CompareExchange(ref answeredBeforeMeasuring, Interlocked.Read(ref answered), -1) == -1)
                    {
                        cpuBefore = CpuSample.Take(TimeSpan.Zero);
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(1, connections).Select(LoadAsync));
        var cpuAfter = CpuSample.Take(TimeSpan.Zero);
        var rate = (Interlocked.Read(ref answered) - answeredBeforeMeasuring) / Stopwatch.GetElapsedTime(cpuBefore.At, cpuAfter.At).TotalSeconds;
        report.Check("failed requests", Interlocked.Read(ref failed) == 0, Report.Number(Interlocked.Read(ref failed)));
        report.Figure("requests/s answered", Report.Number(rate), "> 10,000", rate > 10_000);
        Scenarios.AddCpuFigures(report, cpuBefore, cpuAfter);
        return report;
    }

    // Reads one 200 response (headers, then Content-Length bytes of body); false on anything else.
    private static async Task<bool> ReadResponseAsync(Socket socket, byte[] buffer)
    {
        var filled = 0;
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled));
            if (read == 0)
            {
                return false;
            }

            filled += read;
            var text = Encoding.ASCII.GetString(buffer, 0, filled);
            var headersEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headersEnd < 0)
            {
                continue;
            }

            var lengthAt = text.IndexOf("Content-Length: ", StringComparison.OrdinalIgnoreCase);
            var length = int.Parse(text.AsSpan(lengthAt + 16, text.IndexOf('\r', lengthAt) - lengthAt - 16), provider: null);
            if (filled >= headersEnd + 4 + length)
            {
                return text.StartsWith("HTTP/1.1 200", StringComparison.Ordinal);
            }
        }
    }
}
