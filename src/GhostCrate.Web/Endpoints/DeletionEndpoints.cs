using GhostCrate.Core.Deletion;
using GhostCrate.Web.Auth;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

using CargoError = Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<GhostCrate.Protocol.Api.CargoErrorResponse>;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// Deleting a crate or one version (crates.io's `DELETE /api/v1/crates/{name}` and `/{name}/{version}`, answered with
/// 204 like crates.io; errors in Cargo's envelope like the rest of /api/v1/crates). Rules and tombstones:
/// docs/security.md "Deleting crates and versions".
/// </summary>
public static class DeletionEndpoints
{
    private const string Rules =
        "Administrators always may. Owners who may change the crate's owners may within 72 hours of publishing, or later with a single owner " +
        "and fewer than 1000 downloads per month; never while another crate depends on it (422). The name+version can never be published again; " +
        "a deleted crate's name stays open to its former owners and administrators. `message` is the reason, kept in the tombstone and audit log.";

    public static IEndpointRouteBuilder MapDeletion(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/crates").WithTags(ApiDocs.CargoTag);
        api.MapDelete("/{name}", (string name, string? message, HttpContext context, DeletionService deletions) => DeleteAsync(name, null, message, context, deletions))
            .Operation("deleteCrate", "Delete a crate and every version of it, leaving tombstones", Rules)
            .Auth(ApiAuth.CargoToken).Produces(StatusCodes.Status204NoContent).CargoErrors(400, 401, 403, 404, 422);
        api.MapDelete("/{name}/{version}", (string name, string version, string? message, HttpContext context, DeletionService deletions) => DeleteAsync(name, version, message, context, deletions))
            .Operation("deleteVersion", "Delete one version of a crate, leaving a tombstone", Rules)
            .Auth(ApiAuth.CargoToken).Produces(StatusCodes.Status204NoContent).CargoErrors(400, 401, 403, 404, 422);

        app.MapGet("/api/v1/admin/deleted", async Task<Results<Ok<DeletedVersionsResponse>, ProblemHttpResult>> (int? page, int? per_page, HttpContext context, DeletionService deletions) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var result = await deletions.ListDeletedAsync(principal!, page ?? 1, per_page ?? 100, context.RequestAborted);
            if (result.Error is { } error) return ApiResults.Problem(error);
            var (items, total) = result.Value;
            return TypedResults.Ok(new DeletedVersionsResponse([.. items.Select(DeletedVersionDto.Of)], new TotalMeta(total)));
        }).WithTags(ApiDocs.AdminTag).Auth(ApiAuth.TokenOrSession)
            .Operation("listDeletedVersions", "Deleted versions (their tombstones), newest first (administrators)").Problems(400, 401, 403);
        return app;
    }

    private static async Task<Results<NoContent, CargoError>> DeleteAsync(string name, string? version, string? message, HttpContext context, DeletionService deletions)
    {
        var (principal, problem) = await context.RequirePrincipalAsync();
        if (problem is not null) return problem;
        var result = await deletions.DeleteAsync(name, version, message, principal!, context.RequestAborted);
        return result.Error is { } error ? CargoResults.Error(error) : TypedResults.NoContent();
    }
}
