using StudyBot.Delivery;
using StudyBot.Tests.Infrastructure;

namespace StudyBot.Tests.Delivery;

// Values that come back as one column with no declared type (an aggregate): the generated data
// access must still read them as the day or instant they are, on both engines.
public sealed class StoredValueTests
{
    [Fact]
    public async Task The_last_delivered_day_reads_back_as_the_stored_local_date()
    {
        await using var world = await TestWorld.StartAsync();
        var learner = world.Learner(42);
        await learner.SendAsync("/start");
        var deliveries = world.Get<DeliveryStore>();
        Assert.Null(await deliveries.LastDeliveredDateAsync(42, CancellationToken.None));

        await learner.SendAsync("/today");

        var stored = Assert.Single(await world.Db.QueryAsync<string>($"SELECT {TestDatabase.AsText("local_date", 10)} FROM deliveries WHERE chat_id = 42"));
        var last = await deliveries.LastDeliveredDateAsync(42, CancellationToken.None);
        Assert.Equal(stored, last?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }
}
