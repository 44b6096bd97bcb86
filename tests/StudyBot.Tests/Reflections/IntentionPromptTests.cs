using StudyBot.Content;

namespace StudyBot.Tests.Reflections;

public sealed class IntentionPromptTests
{
    [Fact]
    public void Each_shipped_pack_marks_intention_prompts_and_every_one_asks_about_the_future()
    {
        foreach (var pack in ShippedPacks.Load())
        {
            var intentions = pack.Items.Where(i => i.Intention).ToList();

            Assert.True(intentions.Count >= 5, $"{pack.Name} has {intentions.Count} intention prompts");
            Assert.All(intentions, i => Assert.Matches("打算|准备|会|will you", i.Prompt));
        }
    }
}
