using System.Text;

namespace StudyBot.Reflections;

// The summary as Markdown: readable as plain text, and rendered nicely where Markdown is shown.
internal static class SummaryMarkdown
{
    public static string Render(SummaryDocument document)
    {
        var builder = new StringBuilder();
        builder.Append("# ").Append(Inline(document.Texts.Title)).Append("\n\n");
        if (document.CourseLine is { } course)
        {
            builder.Append(Inline(course)).Append("\n\n");
        }

        builder.Append(Inline(document.PeriodLine)).Append("\n\n");
        if (document.Opening is { } opening)
        {
            AppendParagraphs(builder, opening);
        }

        foreach (var theme in document.Themes)
        {
            // An insight's number is written before the escaping, which would otherwise keep "1." from
            // reading as a number.
            var number = theme.Number is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) + ". " : "";
            builder.Append("## ").Append((number + Inline(theme.Name)).TrimEnd()).Append("\n\n");
            foreach (var quotation in theme.Quotations)
            {
                foreach (var line in Lines(quotation.Quote))
                {
                    builder.Append("> ").Append(Inline(line)).Append('\n');
                }

                builder.Append(">\n> ").Append(Inline(document.Texts.SourcePrefix + quotation.Source)).Append("\n\n");
                foreach (var reflection in quotation.Reflections)
                {
                    builder.Append("**").Append(Inline(document.DateLabel(reflection))).Append("**\n\n");
                    if (reflection.MediaLine is { } media)
                    {
                        builder.Append('*').Append(Inline(media)).Append("*\n\n");
                    }

                    if (reflection.MediaLine is null || reflection.Text.Length > 0)
                    {
                        AppendParagraphs(builder, reflection.Text);
                    }
                    foreach (var comment in reflection.Comments ?? [])
                    {
                        AppendParagraphs(builder, document.Texts.CommentPrefix + comment);
                    }
                }
            }
        }

        builder.Append("## ").Append(Inline(document.Texts.NextSteps)).Append("\n\n");
        if (document.WrittenNextSteps is { } written)
        {
            AppendParagraphs(builder, written);
        }
        else if (document.NextSteps.Count == 0)
        {
            builder.Append(Inline(document.Texts.NoNextSteps)).Append('\n');
        }

        foreach (var step in document.NextSteps)
        {
            var lines = Lines(step.Text);
            var first = step.MediaLine is { } media ? ("*" + Inline(media) + "* " + Inline(lines[0])).TrimEnd() : Inline(lines[0]);
            builder.Append("- **").Append(SummaryDocument.Date(step.Date)).Append("** ").Append(first).Append('\n');
            foreach (var line in lines.Skip(1))
            {
                // Indented continuation lines stay inside the list item.
                builder.Append("  ").Append(Inline(line)).Append('\n');
            }
        }

        if (document.Closing is { } closing)
        {
            // A paragraph after the list, not a continuation of its last item.
            if (!builder.ToString().EndsWith("\n\n", StringComparison.Ordinal))
            {
                builder.Append('\n');
            }

            AppendParagraphs(builder, closing);
        }

        return builder.ToString();
    }

    private static void AppendParagraphs(StringBuilder builder, string text)
    {
        foreach (var line in Lines(text))
        {
            builder.Append(Inline(line)).Append("\n\n");
        }
    }

    // Blank lines inside a reflection carry no meaning in Markdown; every other line is its own paragraph.
    private static List<string> Lines(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        return lines.Count == 0 ? [""] : lines;
    }

    // A learner's '*', '_' or a leading '#' is text, not formatting: escape what Markdown would act on.
    internal static string Inline(string text)
    {
        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        var escaped = builder.ToString();
        if (escaped.Length > 0 && escaped[0] is '#' or '+' or '-' or '=')
        {
            return "\\" + escaped;
        }

        // "1. text" would become a numbered list: escape the dot ("1\. text"), since a digit cannot be escaped.
        return OrderedMarkerEnd(escaped) is { } end ? escaped.Insert(end, "\\") : escaped;
    }

    private static int? OrderedMarkerEnd(string text)
    {
        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        return digits > 0 && digits < text.Length && text[digits] is '.' or ')' ? digits : null;
    }
}
