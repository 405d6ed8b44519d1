using GhostCrate.Core.Crates;
using GhostCrate.Protocol.Api;
using GhostCrate.Web.Auth;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using CargoError = Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<GhostCrate.Protocol.Api.CargoErrorResponse>;
using static GhostCrate.Web.Endpoints.ApiReplies;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// Invitations to own a crate (docs/permissions.md "Owner invitations"), in crates.io's shapes: the invitee's list and
/// answer under /api/v1/me (problem details, token or session), the crate's open invitations for its owners under
/// /api/v1/crates (Cargo's envelope, as everywhere there).
/// </summary>
public static class OwnerInvitationEndpoints
{
    public static IEndpointRouteBuilder MapOwnerInvitations(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/v1/me/crate_owner_invitations").WithTags(ApiDocs.AccountTag).Auth(ApiAuth.TokenOrSession);

        me.MapGet("", (HttpContext context, OwnerInvitationService invitations) => WithCaller(context, async p =>
            Ok(new CrateOwnerInvitationsResponse([.. (await invitations.ListMineAsync(p, context.RequestAborted)).Select(CrateOwnerInvitationInfo.Of)]))))
            .Operation("listMyCrateOwnerInvitations", "Open invitations to own crates, waiting for the caller's answer").Problems(400, 401);

        me.MapPut("/{crate}", (string crate, HttpContext context, OwnerInvitationService invitations) => WithCaller(context, async Task<Results<Ok<CrateOwnerInvitationAnswerResponse>, ProblemHttpResult>> (p) =>
        {
            var body = await JsonBody.ReadAsync<CrateOwnerInvitationAnswerBody>(context);
            if (body?.Invite?.Accepted is not { } accepted)
                return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected a JSON body like {\"crate_owner_invite\":{\"accepted\":true}}");
            return Reply(await invitations.AnswerAsync(p, crate, accepted, context.RequestAborted),
                i => new CrateOwnerInvitationAnswerResponse(new CrateOwnerInvitationAnswered(i.CrateId, i.CrateName, accepted)));
        })).Operation("answerCrateOwnerInvitation", "Accept (become an owner) or decline an invitation to own a crate",
                "Scoped tokens may not answer; a read-only account may decline but not accept. An expired invitation is refused (400) and removed.")
            .JsonBody<CrateOwnerInvitationAnswerBody>().RequestExample("""{"crate_owner_invite":{"accepted":true}}""")
            .Problems(400, 401, 403, 404);

        // Under /api/v1/crates, errors are in Cargo's envelope like every route there (crates.io's too); API token only.
        var crates = app.MapGroup("/api/v1/crates/{name}/owner_invitations").WithTags(ApiDocs.CargoTag).Auth(ApiAuth.CargoToken);

        crates.MapGet("", async Task<Results<Ok<CrateOwnerInvitationsResponse>, CargoError>> (string name, HttpContext context, OwnerInvitationService invitations) =>
        {
            var (principal, problem) = await context.RequirePrincipalAsync();
            if (problem is not null) return problem;
            var result = await invitations.ListForCrateAsync(name, principal!, context.RequestAborted);
            return result.Error is { } error ? CargoResults.Error(error) : TypedResults.Ok(new CrateOwnerInvitationsResponse([.. result.Value!.Select(CrateOwnerInvitationInfo.Of)]));
        }).Operation("listCrateOwnerInvitations", "A crate's open owner invitations (those who may change its owners)").CargoErrors(401, 403, 404);

        crates.MapDelete("/{login}", async Task<Results<Ok<OkResponse>, CargoError>> (string name, string login, HttpContext context, OwnerInvitationService invitations) =>
        {
            var (principal, problem) = await context.RequirePrincipalAsync();
            if (problem is not null) return problem;
            var result = await invitations.RevokeAsync(name, login, principal!, context.RequestAborted);
            return result.Error is { } error ? CargoResults.Error(error) : TypedResults.Ok(OkResponse.Instance);
        }).Operation("revokeCrateOwnerInvitation", "Withdraw an open invitation to own a crate (same right as changing owners)").CargoErrors(401, 403, 404);
        return app;
    }
}
