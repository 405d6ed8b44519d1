using GhostCrate.Core.Identity;
using GhostCrate.Web.Auth;
using GhostCrate.Web.Http;
using GhostCrate.Web.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// The caller's account: who am I, API tokens shaped like crates.io's
/// (https://github.com/rust-lang/crates.io/blob/main/src/controllers/token.rs), password change.
/// Works with the session cookie (plus X-CSRF-TOKEN on writes) or an unscoped API token.
/// </summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccount(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/me", async (HttpContext context, AccountService accounts) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var user = await accounts.FindByIdAsync(principal!.UserId, context.RequestAborted);
            if (user is null) return ApiResults.Problem(StatusCodes.Status404NotFound, "your account no longer exists");
            return Results.Json(new
            {
                user = UserJson(user)["user"],
                auth = new { via = principal.TokenId is null ? "session" : "token", token_id = principal.TokenId, can_manage_account = principal.CanManageAccount },
            });
        });

        app.MapPut("/api/v1/me/tokens", async (HttpContext context, TokenService tokens) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var body = await JsonBody.ReadAsync<TokenBody>(context);
            var request = body?.ApiToken ?? body;
            if (request?.Name is null) return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON {\"api_token\":{\"name\":...,\"endpoint_scopes\":[...],\"crate_scopes\":[...],\"expired_at\":...}}");
            var created = await tokens.CreateAsync(principal!, new NewTokenRequest(request.Name, request.EndpointScopes, request.CrateScopes, request.ExpiredAt), context.RequestAborted);
            if (created.Error is { } error) return ApiResults.Problem(error);
            // The secret appears in this response only; it is stored as a hash and can never be shown again.
            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(new { api_token = TokenJson(created.Value!.Record, created.Value.Secret) });
        }).AddEndpointFilter(RateLimitFilters.TokenCreation);

        app.MapGet("/api/v1/me/tokens", async (HttpContext context, TokenService tokens) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var list = await tokens.ListAsync(principal!, context.RequestAborted);
            if (list.Error is { } error) return ApiResults.Problem(error);
            return Results.Json(new { api_tokens = list.Value!.Select(t => TokenJson(t, null)) });
        });

        app.MapDelete("/api/v1/me/tokens/{id:long}", async (long id, HttpContext context, TokenService tokens) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var revoked = await tokens.RevokeAsync(principal!, id, context.RequestAborted);
            return revoked.Error is { } error ? ApiResults.Problem(error) : Results.Json(new { });
        });

        // crates.io: a token revokes itself (e.g. at the end of a CI job). 204 like crates.io.
        app.MapDelete("/api/v1/tokens/current", async (HttpContext context, TokenService tokens) =>
        {
            var auth = await context.AuthenticateAsync();
            if (auth.Principal is null) return ApiResults.Problem(StatusCodes.Status401Unauthorized, auth.Failure ?? "send the API token to revoke in the Authorization header");
            var revoked = await tokens.RevokeCurrentAsync(auth.Principal, context.RequestAborted);
            return revoked.Error is { } error ? ApiResults.Problem(error) : Results.NoContent();
        });

        app.MapPut("/api/v1/me/password", async (HttpContext context, AccountService accounts) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var body = await JsonBody.ReadAsync<PasswordBody>(context);
            if (body?.CurrentPassword is null || body.NewPassword is null) return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON {\"current_password\":...,\"new_password\":...}");
            var changed = await accounts.ChangePasswordAsync(principal!, body.CurrentPassword, body.NewPassword, context.RequestAborted);
            if (changed.Error is { } error) return ApiResults.Problem(error);
            // Every other session ended with the new session version; keep this one.
            if (principal!.TokenId is null) await SessionCookie.SignInAsync(context, changed.Value!);
            return Results.Json(new { ok = true });
        });
        return app;
    }

    public static Dictionary<string, object?> UserJson(UserRecord user) => new()
    {
        ["user"] = new
        {
            id = user.Id,
            login = user.Username,
            name = user.DisplayName,
            email = user.Email,
            admin = user.IsAdmin,
            read_only = user.IsReadOnly,
            disabled = user.IsDisabled,
            has_password = user.PasswordHash is not null,
            created_at = user.CreatedAt,
        },
    };

    public static object TokenJson(ApiTokenRecord token, string? secret) => new
    {
        id = token.Id,
        name = token.Name,
        token = secret,
        created_at = token.CreatedAt,
        last_used_at = token.LastUsedAt,
        expired_at = token.ExpiresAt,
        revoked_at = token.RevokedAt,
        endpoint_scopes = Split(token.EndpointScopes),
        crate_scopes = Split(token.CrateScopes),
    };

    private static string[]? Split(string? value) => value?.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private sealed class TokenBody
    {
        public TokenBody? ApiToken { get; set; }
        public string? Name { get; set; }
        public List<string>? EndpointScopes { get; set; }
        public List<string>? CrateScopes { get; set; }
        public DateTimeOffset? ExpiredAt { get; set; }
    }

    private sealed class PasswordBody
    {
        public string? CurrentPassword { get; set; }
        public string? NewPassword { get; set; }
    }
}
