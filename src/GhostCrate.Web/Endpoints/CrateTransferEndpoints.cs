using GhostCrate.Core.Organizations;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// Transferring a crate to an organization (issue 23), problem details on errors; the crate's Manage page does the same
/// through <see cref="CrateTransferService"/>, which audits it.
/// </summary>
public static class CrateTransferEndpoints
{
    public static IEndpointRouteBuilder MapCrateTransfers(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/orgs/{org}/crates", async Task<Results<Ok<CrateTransferDto>, ProblemHttpResult>> (string org, HttpContext context, CrateTransferService transfers) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var body = await JsonBody.ReadAsync<CrateTransferBody>(context);
            if (string.IsNullOrWhiteSpace(body?.Crate)) return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON {\"crate\": the crate to transfer, \"keep_owners\": false}");
            var result = await transfers.TransferAsync(body.Crate, org, body.KeepOwners, principal!, context.RequestAborted);
            if (result.Error is { } error) return ApiResults.Problem(error);
            var outcome = result.Value!;
            return TypedResults.Ok(new CrateTransferDto(outcome.Crate, outcome.Org, outcome.OrgAdded, outcome.RemovedUsers));
        }).WithTags(ApiDocs.OrganizationsTag).Auth(ApiAuth.TokenOrSession)
            .Operation("transferCrateToOrg", "Transfer a crate to the organization",
                "The caller must be able to change the crate's owners and be an owner or admin of the organization (administrators always may). " +
                "In one transaction the organization becomes an owner and the user owners are removed, unless `keep_owners` is true.")
            .JsonBody<CrateTransferBody>().RequestExample("""{"crate":"acme-http","keep_owners":false}""").Problems(400, 401, 403, 404);
        return app;
    }
}
