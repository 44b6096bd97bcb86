using StudyBot.Groups;
using StudyBot.Localization;

namespace StudyBot.Reflections;

// What a summary says besides the learner's words, in the learner's language: its headings and
// labels, and the line naming the course. /export and the web app's composer print the same.
internal sealed class SummaryWords(GroupCourses courses, Texts texts)
{
    public string DefaultTitle(string language, string learnerName) => texts.Get(language, "ExportTitle", learnerName);

    // A composed summary's next steps before the learner writes them.
    public string NoWrittenNextSteps(string language) => texts.Get(language, "SummaryNoNextSteps");

    public SummaryTexts For(string language, string title) =>
        new(
            language,
            title,
            texts.Get(language, "ExportPeriod"),
            texts.Get(language, "ExportSourcePrefix"),
            texts.Get(language, "ExportNextSteps"),
            texts.Get(language, "ExportNoNextSteps"),
            texts.Get(language, "ExportMadeUp"),
            texts.Get(language, "ExportCommentPrefix"))
        {
            Photo = texts.Get(language, "PhotoAnswer"),
            Voice = texts.Get(language, "VoiceAnswer"),
            PhotoMissing = texts.Get(language, "ExportPhotoMissing"),
        };

    // The learner's group and its course dates. The default group of an upgraded deployment has
    // no dates of its own (its pack's are used): it is no course to name.
    public async Task<string?> CourseLineAsync(long? groupId, string language, CancellationToken cancellationToken)
    {
        if (groupId is not { } id || await courses.GetAsync(id, cancellationToken) is not { Group.StartDate: { } start } course)
        {
            return null;
        }

        var end = course.Group.EndDate is { } last ? IsoDate.Format(last) : texts.Get(language, "ExportCourseOngoing");
        return texts.Get(language, "ExportCourse", course.Group.Name) + texts.Get(language, "ExportCoursePeriod", IsoDate.Format(start), end);
    }
}
