using GhostCrate.Core.Crates;
using GhostCrate.Protocol.Api;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using static GhostCrate.Web.Endpoints.ApiReplies;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// Invitations to own a crate (docs/permissions.md "Owner invitations"), in crates.io's shapes: the invitee's list and
/// answer under /api/v1/me, the crate's open invitations for its owners. JSON API: errors are ProblemDetails (the Cargo
/// envelope is for the routes cargo calls).
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

        var crates = app.MapGroup("/api/v1/crates/{name}/owner_invitations").WithTags(ApiDocs.AccountTag).Auth(ApiAuth.TokenOrSession);

        crates.MapGet("", (string name, HttpContext context, OwnerInvitationService invitations) => WithCaller(context, async p =>
            Reply(await invitations.ListForCrateAsync(name, p, context.RequestAborted), list => new CrateOwnerInvitationsResponse([.. list.Select(CrateOwnerInvitationInfo.Of)]))))
            .Operation("listCrateOwnerInvitations", "A crate's open owner invitations (those who may change its owners)").Problems(400, 401, 403, 404);

        crates.MapDelete("/{login}", (string name, string login, HttpContext context, OwnerInvitationService invitations) => WithCaller(context, async p =>
            Reply(await invitations.RevokeAsync(name, login, p, context.RequestAborted), _ => OkResponse.Instance)))
            .Operation("revokeCrateOwnerInvitation", "Withdraw an open invitation to own a crate (same right as changing owners)").Problems(400, 401, 403, 404);
        return app;
    }
}
