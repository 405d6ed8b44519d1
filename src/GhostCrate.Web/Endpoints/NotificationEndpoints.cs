using GhostCrate.Core.Jobs;
using GhostCrate.Core.Notifications;
using GhostCrate.Core.Notifications.Email;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// Webhook endpoints (registry-wide for administrators, per organization for its owners and admins) and the job
/// queue (docs/notifications.md). Errors are
/// ProblemDetails; every change is in the audit log (WebhookService, JobAdminService).
/// </summary>
public static class NotificationEndpoints
{
    private const string BodyHint = "expected JSON like {\"url\":\"https://ci.example.com/hook\",\"events\":[\"crate.published\"],\"crate_patterns\":[\"acme-*\"]}";

    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder app)
    {
        MapWebhooks(app.MapGroup("/api/v1/admin/webhooks").WithTags(ApiDocs.AdminTag).Auth(ApiAuth.TokenOrSession), organization: false);
        // An organization's own endpoints (its owners and admins): the same routes, scoped by {org}.
        MapWebhooks(app.MapGroup("/api/v1/orgs/{org}/webhooks").WithTags(ApiDocs.OrganizationsTag).Auth(ApiAuth.TokenOrSession), organization: true);

        // The caller's own email choices (the JSON side of /me/notifications).
        var me = app.MapGroup("/api/v1/me/notifications").WithTags(ApiDocs.AccountTag).Auth(ApiAuth.TokenOrSession);

        me.MapGet("", async Task<Results<Ok<EmailSettingsResponse>, ProblemHttpResult>> (HttpContext context, EmailPreferenceService preferences) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var result = await preferences.GetAsync(principal!, context.RequestAborted);
            return result.Error is { } error ? ApiResults.Problem(error) : TypedResults.Ok(EmailSettingsResponse.Of(result.Value!));
        }).Operation("getEmailNotifications", "Which notification emails the caller gets").Problems(401, 403);

        me.MapPut("", async Task<Results<Ok<EmailSettingsResponse>, ProblemHttpResult>> (HttpContext context, EmailPreferenceService preferences) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            if (await JsonBody.ReadAsync<EmailSettingsBody>(context) is not { Topics: { } topics })
                return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON like {\"topics\":{\"crate.published\":false}}");
            var result = await preferences.SetAsync(principal!, topics, context.RequestAborted);
            return result.Error is { } error ? ApiResults.Problem(error) : TypedResults.Ok(EmailSettingsResponse.Of(result.Value!));
        }).Operation("setEmailNotifications", "Turn kinds of notification email on or off for the caller")
            .JsonBody<EmailSettingsBody>().RequestExample("""{"topics":{"crate.published":false,"token.expiring":true}}""")
            .Problems(400, 401, 403);

        var jobs = app.MapGroup("/api/v1/admin/jobs").WithTags(ApiDocs.AdminTag).Auth(ApiAuth.TokenOrSession);

        jobs.MapGet("", async Task<Results<Ok<JobQueueResponse>, ProblemHttpResult>> (string? state, int? limit, HttpContext context, JobAdminService admin) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            JobState? filter = null;
            if (state is not null)
            {
                if (!Enum.TryParse<JobState>(state, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                    return ApiResults.Problem(StatusCodes.Status400BadRequest, "state must be pending, running, succeeded or dead");
                filter = parsed;
            }
            var result = await admin.OverviewAsync(principal!, filter, limit ?? 100, context.RequestAborted);
            if (result.Error is { } error) return ApiResults.Problem(error);
            var (stats, list) = result.Value;
            return TypedResults.Ok(new JobQueueResponse(JobQueueStatsInfo.Of(stats), list.Select(JobInfo.Of).ToList()));
        }).Operation("listJobs", "Queue depth, running, failed and dead jobs, and the newest jobs (state= filters)").Problems(400, 401, 403);

        jobs.MapGet("/{id:long}", async Task<Results<Ok<JobInfo>, ProblemHttpResult>> (long id, HttpContext context, JobAdminService admin) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var result = await admin.GetAsync(principal!, id, context.RequestAborted);
            return result.Error is { } error ? ApiResults.Problem(error) : TypedResults.Ok(JobInfo.Of(result.Value!));
        }).Operation("getJob", "One job: its state, attempts and last error (where a 202's Location points, e.g. a docs rebuild-all)").Problems(401, 403, 404);

        jobs.MapPost("/{id:long}/retry", async Task<Results<Ok<JobInfo>, ProblemHttpResult>> (long id, HttpContext context, JobAdminService admin) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var result = await admin.RetryNowAsync(principal!, id, context.RequestAborted);
            return result.Error is { } error ? ApiResults.Problem(error) : TypedResults.Ok(JobInfo.Of(result.Value!));
        }).Operation("retryJob", "Run a dead or waiting job now, with fresh attempts").Problems(401, 403, 404, 409);
        return app;
    }

    /// <summary>
    /// The webhook routes, registry-wide or for the organization in the route's {org}; the scope check is
    /// WebhookService's, so both sets answer alike (404 for an endpoint of another scope).
    /// </summary>
    private static void MapWebhooks(RouteGroupBuilder hooks, bool organization)
    {
        // Operation ids are unique in the document: the organization's set is prefixed.
        string Id(string name) => organization ? "org" + char.ToUpperInvariant(name[0]) + name[1..] : name;
        string Whose(string summary) => organization ? summary + " (the organization's endpoints)" : summary;
        static string? Org(HttpContext context) => context.GetRouteValue("org") as string;
        var notFound = organization ? new[] { 401, 403, 404 } : [401, 403];

        hooks.MapGet("", async Task<Results<Ok<WebhookEndpointListResponse>, ProblemHttpResult>> (HttpContext context, WebhookService webhooks) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var result = await webhooks.ListAsync(principal!, Org(context), context.RequestAborted);
            if (result.Error is { } error) return ApiResults.Problem(error);
            return TypedResults.Ok(new WebhookEndpointListResponse(result.Value!.Select(e => WebhookEndpointInfo.Of(e)).ToList()));
        }).Operation(Id("listWebhooks"), organization ? "List the organization's webhook endpoints" : "List the registry-wide webhook endpoints").Problems(notFound);

        hooks.MapPost("", async Task<Results<Created<WebhookEndpointInfo>, ProblemHttpResult>> (HttpContext context, WebhookService webhooks) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            if (await JsonBody.ReadAsync<WebhookEndpointBody>(context) is not { } body) return ApiResults.Problem(StatusCodes.Status400BadRequest, BodyHint);
            var result = await webhooks.CreateAsync(principal!, Org(context), body.ToRequest(), context.RequestAborted);
            if (result.Error is { } error) return ApiResults.Problem(error);
            return TypedResults.Created($"{context.Request.PathBase}{context.Request.Path.Value?.TrimEnd('/')}/{result.Value!.Id}", WebhookEndpointInfo.Of(result.Value, showSecrets: true));
        }).Operation(Id("createWebhook"), Whose("Add a webhook endpoint; the answer shows its signing secret (only this once)"))
            .JsonBody<WebhookEndpointBody>().RequestExample("""{"url":"https://ci.example.com/hook","events":["crate.published","crate.yanked"],"crate_patterns":["acme-*"]}""")
            .Problems([400, .. notFound]);

        hooks.MapGet("/{id:long}", async Task<Results<Ok<WebhookEndpointInfo>, ProblemHttpResult>> (long id, HttpContext context, WebhookService webhooks) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var result = await webhooks.GetAsync(principal!, Org(context), id, context.RequestAborted);
            return result.Error is { } error ? ApiResults.Problem(error) : TypedResults.Ok(WebhookEndpointInfo.Of(result.Value!));
        }).Operation(Id("getWebhook"), Whose("One webhook endpoint")).Problems(401, 403, 404);

        hooks.MapMethods("/{id:long}", ["PATCH"], async Task<Results<Ok<WebhookEndpointInfo>, ProblemHttpResult>> (long id, HttpContext context, WebhookService webhooks) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            if (await JsonBody.ReadAsync<WebhookEndpointBody>(context) is not { } body) return ApiResults.Problem(StatusCodes.Status400BadRequest, BodyHint);
            var result = await webhooks.UpdateAsync(principal!, Org(context), id, body.ToRequest(), context.RequestAborted);
            return result.Error is { } error ? ApiResults.Problem(error) : TypedResults.Ok(WebhookEndpointInfo.Of(result.Value!));
        }).Operation(Id("updateWebhook"), Whose("Change a webhook endpoint's URL, filters or enabled flag (enabling clears a 410's disable)"))
            .JsonBody<WebhookEndpointBody>().RequestExample("""{"enabled":true}""").Problems(400, 401, 403, 404);

        hooks.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, HttpContext context, WebhookService webhooks) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var result = await webhooks.DeleteAsync(principal!, Org(context), id, context.RequestAborted);
            return result.Error is { } error ? ApiResults.Problem(error) : TypedResults.NoContent();
        }).Operation(Id("deleteWebhook"), Whose("Delete a webhook endpoint and its delivery log")).Problems(401, 403, 404);

        hooks.MapPost("/{id:long}/rotate-secret", async Task<Results<Ok<WebhookEndpointInfo>, ProblemHttpResult>> (long id, HttpContext context, WebhookService webhooks) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var result = await webhooks.RotateSecretAsync(principal!, Org(context), id, context.RequestAborted);
            return result.Error is { } error ? ApiResults.Problem(error) : TypedResults.Ok(WebhookEndpointInfo.Of(result.Value!, showSecrets: true));
        }).Operation(Id("rotateWebhookSecret"), Whose("Add a new signing secret; the previous one keeps signing until the next rotation")).Problems(401, 403, 404);

        hooks.MapGet("/{id:long}/deliveries", async Task<Results<Ok<WebhookDeliveryListResponse>, ProblemHttpResult>> (long id, int? limit, HttpContext context, WebhookService webhooks) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var result = await webhooks.DeliveriesAsync(principal!, Org(context), id, limit ?? 100, context.RequestAborted);
            return result.Error is { } error ? ApiResults.Problem(error) : TypedResults.Ok(new WebhookDeliveryListResponse(result.Value!.Select(WebhookDeliveryInfo.Of).ToList()));
        }).Operation(Id("listWebhookDeliveries"), Whose("The endpoint's delivery log, newest first")).Problems(401, 403, 404);

        hooks.MapPost("/{id:long}/deliveries/{deliveryId:long}/redeliver", async Task<Results<Accepted<WebhookQueuedResponse>, ProblemHttpResult>> (long id, long deliveryId, HttpContext context, WebhookService webhooks) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var result = await webhooks.RedeliverAsync(principal!, Org(context), id, deliveryId, context.RequestAborted);
            return result.Error is { } error ? ApiResults.Problem(error) : TypedResults.Accepted((string?)null, new WebhookQueuedResponse(true, null));
        }).Operation(Id("redeliverWebhook"), Whose("Send a logged delivery's event again (same webhook-id)")).Problems(401, 403, 404, 409);

        hooks.MapPost("/{id:long}/test", async Task<Results<Accepted<WebhookQueuedResponse>, ProblemHttpResult>> (long id, HttpContext context, WebhookService webhooks) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var result = await webhooks.SendTestAsync(principal!, Org(context), id, context.RequestAborted);
            return result.Error is { } error ? ApiResults.Problem(error) : TypedResults.Accepted((string?)null, new WebhookQueuedResponse(true, result.Value));
        }).Operation(Id("testWebhook"), Whose("Queue a webhook.test event for this endpoint")).Problems(401, 403, 404, 409);
    }
}
