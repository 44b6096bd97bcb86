using System.Globalization;

namespace StudyBot.Tests.Infrastructure;

// Learners, deliveries and reflections written straight into the database, for tests about what
// organizers see of many days and learners.
internal static class AdminData
{
    public static Task AddLearnerAsync(this TestDatabase db, long chatId, string name, string status = "active", string language = "zh-CN", string zone = "Asia/Shanghai") =>
        db.ExecuteAsync(
            """
            INSERT INTO learners (chat_id, display_name, language, time_zone, delivery_time, status, next_delivery_utc, subscribed_utc, updated_utc)
            VALUES (@ChatId, @Name, @Language, @Zone, '08:00', @Status, NULL, '2026-11-01 00:00:00', '2026-11-01 00:00:00')
            """,
            new { ChatId = chatId, Name = name, Language = language, Zone = zone, Status = status });

    public static Task<long> AddDeliveryAsync(this TestDatabase db, long chatId, string localDate, bool sent = true, string theme = "主题", string quote = "学而时习之", string prompt = "今天学到了什么？")
    {
        var date = DateOnly.ParseExact(localDate, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var claimedUtc = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        return db.ScalarAsync<long>(
            """
            INSERT INTO deliveries (chat_id, local_date, theme, quote, source, prompt, claimed_utc, sent_utc, message_id)
            VALUES (@ChatId, @LocalDate, @Theme, @Quote, '《论语》', @Prompt, @ClaimedUtc, @SentUtc, NULL)
            RETURNING id
            """,
            new { ChatId = chatId, LocalDate = date, Theme = theme, Quote = quote, Prompt = prompt, ClaimedUtc = claimedUtc, SentUtc = sent ? claimedUtc.AddSeconds(1) : (DateTime?)null });
    }

    public static Task AddReflectionAsync(this TestDatabase db, long chatId, long deliveryId, string text = "感想") =>
        db.ExecuteAsync(
            """
            INSERT INTO reflections (chat_id, message_id, delivery_id, text, created_utc, updated_utc)
            VALUES (@ChatId, (SELECT COALESCE(MAX(message_id), 0) + 1 FROM reflections WHERE chat_id = @ChatId), @DeliveryId, @Text, '2026-12-01 00:00:00', '2026-12-01 00:00:00')
            """,
            new { ChatId = chatId, DeliveryId = deliveryId, Text = text });

    // Many reflections of one learner on one prompt in one statement, texts "1".."count".
    public static Task AddReflectionsAsync(this TestDatabase db, long chatId, long deliveryId, int count) =>
        db.ExecuteAsync(
            """
            WITH RECURSIVE numbers(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM numbers WHERE n < @Count)
            INSERT INTO reflections (chat_id, message_id, delivery_id, text, created_utc, updated_utc)
            SELECT @ChatId, 100000 + n, @DeliveryId, CAST(n AS TEXT), '2026-12-01 00:00:00', '2026-12-01 00:00:00' FROM numbers
            """,
            new { ChatId = chatId, DeliveryId = deliveryId, Count = count });
}
