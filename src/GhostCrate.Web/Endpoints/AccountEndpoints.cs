using GhostCrate.Core.Identity;
using GhostCrate.Protocol.Api;
using GhostCrate.Web.Auth;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using GhostCrate.Web.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
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
        var account = app.MapGroup("/api/v1").WithTags(ApiDocs.AccountTag).Auth(ApiAuth.TokenOrSession);

        account.MapGet("/me", async Task<Results<Ok<MeResponse>, ProblemHttpResult>> (HttpContext context, AccountService accounts) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var user = await accounts.FindByIdAsync(principal!.UserId, context.RequestAborted);
            if (user is null) return ApiResults.Problem(StatusCodes.Status404NotFound, "your account no longer exists");
            return TypedResults.Ok(new MeResponse(
                UserInfo.Of(user),
                new MeAuth(principal.TokenId is null ? "session" : "token", principal.TokenId, principal.CanManageAccount)));
        }).Operation("getMe", "The caller's account and how they signed in").Problems(401, 404);

        account.MapPut("/me/tokens", async Task<Results<Ok<ApiTokenResponse>, ProblemHttpResult>> (HttpContext context, TokenService tokens) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var body = await JsonBody.ReadAsync<ApiTokenCreateBody>(context);
            var request = body?.ApiToken ?? body;
            if (request?.Name is null) return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON {\"api_token\":{\"name\":...,\"endpoint_scopes\":[...],\"crate_scopes\":[...],\"expired_at\":...}}");
            var created = await tokens.CreateAsync(principal!, new NewTokenRequest(request.Name, request.EndpointScopes, request.CrateScopes, request.ExpiredAt), context.RequestAborted);
            if (created.Error is { } error) return ApiResults.Problem(error);
            // The secret appears in this response only; it is stored as a hash and can never be shown again.
            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.Ok(new ApiTokenResponse(ApiTokenInfo.Of(created.Value!.Record, created.Value.Secret)));
        }).AddEndpointFilter(RateLimitFilters.TokenCreation)
            .Operation("createToken", "Create an API token (the secret is shown in this reply only)")
            .JsonBody<ApiTokenCreateBody>()
            .RequestExample("""{"api_token":{"name":"ci","endpoint_scopes":["publish-update"],"crate_scopes":["acme-*"],"expired_at":"2027-01-01T00:00:00Z"}}""")
            .Problems(400, 401, 403, 429)
            .ResponseExample(200, """{"api_token":{"id":7,"name":"ci","token":"gcr_0123456789abcdef0123456789abcdef","created_at":"2026-11-22T10:00:00+00:00","last_used_at":null,"expired_at":"2027-01-01T00:00:00+00:00","revoked_at":null,"endpoint_scopes":["publish-update"],"crate_scopes":["acme-*"]}}""");

        account.MapGet("/me/tokens", async Task<Results<Ok<ApiTokenListResponse>, ProblemHttpResult>> (HttpContext context, TokenService tokens) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var list = await tokens.ListAsync(principal!, context.RequestAborted);
            if (list.Error is { } error) return ApiResults.Problem(error);
            return TypedResults.Ok(new ApiTokenListResponse(list.Value!.Select(t => ApiTokenInfo.Of(t, null)).ToList()));
        }).Operation("listTokens", "The caller's API tokens (never their secrets)").Problems(401, 403);

        account.MapDelete("/me/tokens/{id:long}", async Task<Results<Ok<EmptyResponse>, ProblemHttpResult>> (long id, HttpContext context, TokenService tokens) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var revoked = await tokens.RevokeAsync(principal!, id, context.RequestAborted);
            return revoked.Error is { } error ? ApiResults.Problem(error) : TypedResults.Ok(EmptyResponse.Instance);
        }).Operation("revokeToken", "Revoke one of the caller's API tokens").Problems(400, 401, 403, 404);

        // crates.io: a token revokes itself (e.g. at the end of a CI job). 204 like crates.io.
        account.MapDelete("/tokens/current", async Task<Results<NoContent, ProblemHttpResult>> (HttpContext context, TokenService tokens) =>
        {
            var auth = await context.AuthenticateAsync();
            if (auth.Principal is null) return ApiResults.Problem(StatusCodes.Status401Unauthorized, auth.Failure ?? "send the API token to revoke in the Authorization header");
            var revoked = await tokens.RevokeCurrentAsync(auth.Principal, context.RequestAborted);
            return revoked.Error is { } error ? ApiResults.Problem(error) : TypedResults.NoContent();
        }).Operation("revokeCurrentToken", "Revoke the API token sent with this request (end of a CI job)").Auth(ApiAuth.CargoToken).Problems(401);

        account.MapPut("/me/password", async Task<Results<Ok<OkResponse>, ProblemHttpResult>> (HttpContext context, AccountService accounts) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var body = await JsonBody.ReadAsync<PasswordChangeBody>(context);
            if (body?.CurrentPassword is null || body.NewPassword is null) return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON {\"current_password\":...,\"new_password\":...}");
            var changed = await accounts.ChangePasswordAsync(principal!, body.CurrentPassword, body.NewPassword, context.RequestAborted);
            if (changed.Error is { } error) return ApiResults.Problem(error);
            // Every other session ended with the new session version; keep this one.
            if (principal!.TokenId is null) await SessionCookie.SignInAsync(context, changed.Value!);
            return TypedResults.Ok(OkResponse.Instance);
        }).Operation("changePassword", "Change the caller's password (ends every other session)")
            .JsonBody<PasswordChangeBody>().Problems(400, 401, 403);
        return app;
    }
}
