using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Configuration;
using StudyBot.Telegram.Receiving;
using StudyBot.Web;

namespace StudyBot.Hosting;

internal static class StudyBotEndpoints
{
    public static WebApplication MapStudyBot(this WebApplication app)
    {
        app.MapGet("/healthz", async (HealthCheck health, CancellationToken cancellationToken) =>
            await health.CheckAsync(cancellationToken) is { } problem
                ? Results.Text(problem, statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Text("ok"));

        app.MapGet("/metrics", async (HttpContext context, BotMetrics metrics, MetricsAccess access) =>
        {
            if (!access.Allows(context))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }

            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        });

        // Read from configuration, not options: mapping happens before the settings are validated,
        // and an invalid setting must surface as the one-line start-up error, not here.
        var section = app.Configuration.GetSection(TelegramOptions.Section);
        if (section.GetValue<TelegramMode?>(nameof(TelegramOptions.Mode)) == TelegramMode.Webhook
            && Uri.TryCreate(section[nameof(TelegramOptions.WebhookUrl)], UriKind.Absolute, out var hook))
        {
            app.MapPost(hook.AbsolutePath, (Func<HttpContext, Task<IResult>>)(context => context.RequestServices.GetRequiredService<WebhookEndpoint>().HandleAsync(context)));
        }

        app.MapWebApp();
        return app;
    }
}
