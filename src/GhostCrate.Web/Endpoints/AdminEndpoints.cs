using GhostCrate.Core.Audit;
using GhostCrate.Core.Identity;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace GhostCrate.Web.Endpoints;

/// <summary>The administrators' JSON API: users, their flags and tokens, and the audit log. Errors are problem details.</summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin").WithTags(ApiDocs.AdminTag).Auth(ApiAuth.TokenOrSession);

        admin.MapGet("/users", async Task<Results<Ok<UserListResponse>, ProblemHttpResult>> (string? q, int? page, int? per_page, HttpContext context, AccountService accounts) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var list = await accounts.ListAsync(principal!, q, page ?? 1, per_page ?? 100, context.RequestAborted);
            if (list.Error is { } error) return ApiResults.Problem(error);
            return TypedResults.Ok(new UserListResponse(list.Value!.Users.Select(UserInfo.Of).ToList(), new TotalMeta(list.Value.Total)));
        }).Operation("listUsers", "List users, optionally filtered by a name fragment").Problems(400, 401, 403);

        admin.MapPost("/users", async Task<Results<Created<UserResponse>, ProblemHttpResult>> (HttpContext context, AccountService accounts) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var body = await JsonBody.ReadAsync<NewUserBody>(context);
            if (body?.Username is null) return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON {\"username\":...,\"password\":...,\"admin\":false,\"read_only\":false}");
            var created = await accounts.CreateUserAsync(principal!, body.Username, body.Password, body.Admin ?? false, body.ReadOnly ?? false, context.RequestAborted);
            if (created.Error is { } error) return ApiResults.Problem(error);
            return TypedResults.Created((string?)null, UserResponse.Of(created.Value!));
        }).Operation("createUser", "Create a user").JsonBody<NewUserBody>()
            .RequestExample("""{"username":"alice","password":"a long enough password","admin":false,"read_only":false}""").Problems(400, 401, 403, 409);

        // Flags: {"admin": true} promotes, {"disabled": true} disables, {"read_only": true} makes a read-only user.
        admin.MapMethods("/users/{name}", ["PATCH"], async Task<Results<Ok<UserResponse>, ProblemHttpResult>> (string name, HttpContext context, AccountService accounts) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var body = await JsonBody.ReadAsync<UserFlagsBody>(context);
            if (body is null || (body.Admin is null && body.Disabled is null && body.ReadOnly is null))
                return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON with at least one of admin, disabled, read_only");
            UserRecord? user = null;
            foreach (var step in new Func<Task<Core.Abstractions.Result<UserRecord>>>?[]
            {
                body.Disabled is { } d ? () => accounts.SetDisabledAsync(principal!, name, d, context.RequestAborted) : null,
                body.Admin is { } a ? () => accounts.SetAdminAsync(principal!, name, a, context.RequestAborted) : null,
                body.ReadOnly is { } r ? () => accounts.SetReadOnlyAsync(principal!, name, r, context.RequestAborted) : null,
            })
            {
                if (step is null) continue;
                var result = await step();
                if (result.Error is { } error) return ApiResults.Problem(error);
                user = result.Value;
            }
            return TypedResults.Ok(UserResponse.Of(user!));
        }).Operation("updateUserFlags", "Promote, disable or make a user read-only").JsonBody<UserFlagsBody>()
            .RequestExample("""{"disabled":true}""").Problems(400, 401, 403, 404);

        // Sets {"password": "..."} or, without one, a generated password that is returned once.
        admin.MapPost("/users/{name}/password", async Task<Results<Ok<PasswordResetResponse>, ProblemHttpResult>> (string name, HttpContext context, AccountService accounts) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var body = context.Request.ContentLength is > 0 ? await JsonBody.ReadAsync<PasswordResetBody>(context) : new PasswordResetBody();
            if (body is null) return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON {\"password\":...} or an empty body for a generated password");
            var reset = await accounts.ResetPasswordAsync(principal!, name, body.Password, context.RequestAborted);
            if (reset.Error is { } error) return ApiResults.Problem(error);
            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.Ok(new PasswordResetResponse(true, body.Password is null ? reset.Value : null));
        }).Operation("resetUserPassword", "Set a user's password, or generate one (returned once)")
            .JsonBody<PasswordResetBody>(required: false).Problems(400, 401, 403, 404);

        admin.MapDelete("/users/{name}/tokens", async Task<Results<Ok<TokensRevokedResponse>, ProblemHttpResult>> (string name, HttpContext context, AccountService accounts) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var revoked = await accounts.RevokeTokensAsync(principal!, name, context.RequestAborted);
            return revoked.Error is { } error ? ApiResults.Problem(error) : TypedResults.Ok(new TokensRevokedResponse(revoked.Value));
        }).Operation("revokeUserTokens", "Revoke every API token of a user").Problems(400, 401, 403, 404);

        admin.MapGet("/audit", async Task<Results<Ok<AuditEventsResponse>, ProblemHttpResult>> (string? actor, string? action, string? target, DateTimeOffset? since, long? before, int? limit, HttpContext context, AuditLog audit) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            if (Guards.RequireAdmin(principal!) is { } denied) return ApiResults.Problem(denied);
            var events = await audit.QueryAsync(new AuditQuery(actor, action, target, since, before, limit ?? 100), context.RequestAborted);
            return TypedResults.Ok(new AuditEventsResponse(events.Select(AuditEventInfo.Of).ToList()));
        }).Operation("queryAuditLog", "The audit log, newest first (page backwards with `before`, an event id)").Problems(400, 401, 403)
            .ResponseExample(200, """{"events":[{"id":42,"occurred_at":"2026-11-22T10:00:00+00:00","actor_id":1,"actor":"admin","token_id":null,"address":"127.0.0.1","action":"crate.publish","target":"crate:demo","details":{"version":"1.0.0"}}]}""");
        return app;
    }
}
