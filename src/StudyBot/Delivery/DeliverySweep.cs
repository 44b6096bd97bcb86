using Microsoft.Extensions.Logging;
using StudyBot.Content;
using StudyBot.Groups;
using StudyBot.Learners;
using StudyBot.Localization;
using StudyBot.Outbox;

namespace StudyBot.Delivery;

// One pass of the schedule: claim a delivery (and its outbox row) for every learner now due.
// A million learners cost one indexed range query per batch, not a million triggers.
internal sealed partial class DeliverySweep(
    DeliveryStore deliveries,
    ContentStore content,
    GroupCourses courses,
    OutboxSender outbox,
    Texts texts,
    TimeProvider time,
    ILogger<DeliverySweep> logger) : IDisposable
{
    private const int ChunkSize = 20_000;
    private const int PlanSize = 5000;
    // A batch's pages fit the writer's cache (Database.OpenSqliteWriterAsync).
    private const int BatchSize = 500;
    private readonly SemaphoreSlim oneAtATime = new(1, 1);

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var claimed = 0;
            while (true)
            {
                // One read of up to ChunkSize learners, planned PlanSize at a time and written
                // BatchSize at a time: the writer commits while this reads and plans the next
                // learners, so the two use both cores; at most a plan's worth of batches waits for
                // the writer, which bounds the memory held. A batch claims with one statement per
                // prompt, and learners of many groups come due together, each group at its own day
                // of its course: sorted by prompt over PlanSize learners, a batch holds many
                // learners of a few prompts rather than a few learners of every prompt (the
                // groupsweep bench: about twice the claims per second).
                var now = time.GetUtcNow().UtcDateTime;
                var writes = new Queue<Task<int>>();
                var read = 0;
                try
                {
                    await foreach (var due in deliveries.StreamDueAsync(now, ChunkSize, PlanSize, cancellationToken))
                    {
                        read += due.Count;
                        var plans = await PlanAsync(due, now, cancellationToken);
                        foreach (var batch in plans.OrderBy(work => work.Plan.DeliverFor).ThenBy(work => work.Text, StringComparer.Ordinal).Chunk(BatchSize))
                        {
                            writes.Enqueue(deliveries.ApplyDuePlansAsync(batch, now, cancellationToken));
                            if (writes.Count > PlanSize / BatchSize + 1)
                            {
                                claimed += await WrittenAsync(writes.Dequeue());
                            }
                        }
                    }

                    while (writes.Count > 0)
                    {
                        claimed += await WrittenAsync(writes.Dequeue());
                    }
                }
                catch
                {
                    // The pass stops here, as it did before batches overlapped; what was queued still
                    // finishes (each batch is its own transaction) before the failure is reported.
                    await ((Task)Task.WhenAll(writes)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    throw;
                }

                if (read < ChunkSize)
                {
                    break;
                }
            }

            return claimed;
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    private async Task<int> WrittenAsync(Task<int> write)
    {
        var claims = await write;
        if (claims > 0)
        {
            outbox.Wake();
        }

        return claims;
    }

    // Learners due together mostly share a group, a zone, a language and a local day: each of those
    // is looked up, each study day decided and each prompt text formatted once per batch, not once
    // per learner. A day that is no study day of the learner's group (or outside its course) gets
    // no delivery; the learner's next time moves on all the same.
    private async Task<List<DueWork>> PlanAsync(List<DueLearner> due, DateTime now, CancellationToken cancellationToken)
    {
        var work = new List<DueWork>(due.Count);
        var zones = new Dictionary<string, TimeZoneInfo>(StringComparer.Ordinal);
        var groupCourses = new Dictionary<long, GroupCourse?>();
        var prompts = new Dictionary<(long Group, string Language, DateOnly Date), (ContentItem? Item, string? Text)>();
        foreach (var learner in due)
        {
            if (!zones.TryGetValue(learner.TimeZone, out var zone))
            {
                zones[learner.TimeZone] = zone = TimeZones.Get(learner.TimeZone);
            }

            if (!groupCourses.TryGetValue(learner.GroupId, out var course))
            {
                groupCourses[learner.GroupId] = course = await courses.GetAsync(learner.GroupId, cancellationToken);
            }

            var deliveryTime = TimeOfDay.Parse(learner.DeliveryTime);
            var plan = DeliverySchedule.PlanForDue(now, deliveryTime, zone, learner.LastDeliveredDate);
            if (course is not null)
            {
                plan = plan with { NextDeliveryUtc = DeliverySchedule.OnDeliveryDay(plan.NextDeliveryUtc, deliveryTime, zone, course.Calendar) };
            }

            if (plan.DeliverFor is { } day && course is not null && !course.Calendar.HasDelivery(day))
            {
                work.Add(new DueWork(learner, plan with { DeliverFor = null }, null, null));
                continue;
            }

            (ContentItem? Item, string? Text) prompt = (null, null);
            if (plan.DeliverFor is { } date && course is not null && !prompts.TryGetValue((learner.GroupId, learner.Language, date), out prompt))
            {
                var item = await content.ItemForAsync(course, learner.Language, date, cancellationToken);
                prompts[(learner.GroupId, learner.Language, date)] = prompt = (item, item is null ? null : DeliveryText.Format(texts, learner.Language, item));
            }

            if (plan.DeliverFor is not null && prompt.Item is null)
            {
                LogNoContent(learner.ChatId, learner.Language);
            }

            work.Add(new DueWork(learner, plan, prompt.Item, prompt.Text));
        }

        return work;
    }

    public void Dispose() => oneAtATime.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "No content for chat {ChatId} in language {Language}; its delivery is skipped")]
    private partial void LogNoContent(long chatId, string language);
}
