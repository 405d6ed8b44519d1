using GhostCrate.Core.Audit;
using GhostCrate.Core.Identity;
using GhostCrate.Web.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GhostCrate.Web.Endpoints;

/// <summary>The administrators' JSON API: users, their flags and tokens, and the audit log. Errors are problem details.</summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin");

        admin.MapGet("/users", async (string? q, int? page, int? per_page, HttpContext context, AccountService accounts) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var list = await accounts.ListAsync(principal!, q, page ?? 1, per_page ?? 100, context.RequestAborted);
            if (list.Error is { } error) return ApiResults.Problem(error);
            return Results.Json(new { users = list.Value!.Users.Select(u => AccountEndpoints.UserJson(u)["user"]), meta = new { total = list.Value.Total } });
        });

        admin.MapPost("/users", async (HttpContext context, AccountService accounts) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var body = await JsonBody.ReadAsync<NewUserBody>(context);
            if (body?.Username is null) return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON {\"username\":...,\"password\":...,\"admin\":false,\"read_only\":false}");
            var created = await accounts.CreateUserAsync(principal!, body.Username, body.Password, body.Admin ?? false, body.ReadOnly ?? false, context.RequestAborted);
            if (created.Error is { } error) return ApiResults.Problem(error);
            return Results.Json(AccountEndpoints.UserJson(created.Value!), statusCode: StatusCodes.Status201Created);
        });

        // Flags: {"admin": true} promotes, {"disabled": true} disables, {"read_only": true} makes a read-only user.
        admin.MapMethods("/users/{name}", ["PATCH"], async (string name, HttpContext context, AccountService accounts) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var body = await JsonBody.ReadAsync<FlagsBody>(context);
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
            return Results.Json(AccountEndpoints.UserJson(user!));
        });

        // Sets {"password": "..."} or, without one, a generated password that is returned once.
        admin.MapPost("/users/{name}/password", async (string name, HttpContext context, AccountService accounts) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var body = context.Request.ContentLength is > 0 ? await JsonBody.ReadAsync<PasswordBody>(context) : new PasswordBody();
            if (body is null) return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON {\"password\":...} or an empty body for a generated password");
            var reset = await accounts.ResetPasswordAsync(principal!, name, body.Password, context.RequestAborted);
            if (reset.Error is { } error) return ApiResults.Problem(error);
            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(new { ok = true, password = body.Password is null ? reset.Value : null });
        });

        admin.MapDelete("/users/{name}/tokens", async (string name, HttpContext context, AccountService accounts) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var revoked = await accounts.RevokeTokensAsync(principal!, name, context.RequestAborted);
            return revoked.Error is { } error ? ApiResults.Problem(error) : Results.Json(new { revoked = revoked.Value });
        });

        admin.MapGet("/audit", async (string? actor, string? action, string? target, DateTimeOffset? since, long? before, int? limit, HttpContext context, AuditLog audit) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            if (Guards.RequireAdmin(principal!) is { } denied) return ApiResults.Problem(denied);
            var events = await audit.QueryAsync(new AuditQuery(actor, action, target, since, before, limit ?? 100), context.RequestAborted);
            return Results.Json(new
            {
                events = events.Select(e => new
                {
                    id = e.Id,
                    occurred_at = e.OccurredAt,
                    actor_id = e.ActorId,
                    actor = e.ActorName,
                    token_id = e.TokenId,
                    address = e.Address,
                    action = e.Action,
                    target = e.Target,
                    details = e.Details,
                }),
            });
        });
        return app;
    }

    private sealed class NewUserBody
    {
        public string? Username { get; set; }
        public string? Password { get; set; }
        public bool? Admin { get; set; }
        public bool? ReadOnly { get; set; }
    }

    private sealed class FlagsBody
    {
        public bool? Admin { get; set; }
        public bool? Disabled { get; set; }
        public bool? ReadOnly { get; set; }
    }

    private sealed class PasswordBody
    {
        public string? Password { get; set; }
    }
}
