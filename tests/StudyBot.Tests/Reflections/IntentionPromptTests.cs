using StudyBot.Content;
using StudyBot.Reflections;

namespace StudyBot.Tests.Reflections;

public sealed class IntentionPromptTests
{
    [Theory]
    [InlineData("明天你打算为自己留出多长一段安静的时间？")]
    [InlineData("这周你准备在哪个难题上继续“上下求索”？")]
    [InlineData("接下来你会用什么方式更多了解你所服务的人？")]
    [InlineData("What will you do in the first thirty minutes of tomorrow morning?")]
    [InlineData("Which one thing will you try tomorrow on a task you have been calling too hard?")]
    [InlineData("This week, what will you share with your group?")]
    [InlineData("  what will you check for yourself this week?")]
    public void Prompts_asking_what_the_learner_will_do_are_intentions(string prompt)
    {
        Assert.True(IntentionPrompt.IsIntention(prompt));
    }

    [Theory]
    [InlineData("哪件事你曾经半途而废？如果重新开始，你会怎样安排才能坚持下去？")]
    [InlineData("你心中的“绝顶”是一个什么样的目标？")]
    [InlineData("Which task of today do you keep pushing to tomorrow?")]
    [InlineData("Recall a recent setback. What will you do differently?")]
    [InlineData("Whom will you help this week, and how?")]
    [InlineData("")]
    public void Other_prompts_are_not_intentions(string prompt)
    {
        Assert.False(IntentionPrompt.IsIntention(prompt));
    }

    [Fact]
    public void Each_shipped_pack_has_intention_prompts_and_every_one_asks_about_the_future()
    {
        foreach (var pack in ShippedPacks.Load())
        {
            var intentions = pack.Items.Where(i => IntentionPrompt.IsIntention(i.Prompt)).ToList();

            Assert.True(intentions.Count >= 5, $"{pack.Name} has {intentions.Count} intention prompts");
            Assert.All(intentions, i => Assert.Matches("打算|准备|会|will you", i.Prompt));
        }
    }
}
