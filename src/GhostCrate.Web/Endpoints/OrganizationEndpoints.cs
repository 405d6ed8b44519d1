using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Organizations;
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

/// <summary>Organizations, members, invitations and teams (JSON API, problem details). Rules: docs/permissions.md.</summary>
public static class OrganizationEndpoints
{
    private const string RoleHint = "\"owner\" | \"admin\" | \"member\" | \"contributor\"";

    public static IEndpointRouteBuilder MapOrganizations(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags(ApiDocs.OrganizationsTag).Auth(ApiAuth.TokenOrSession);
        var orgs = api.MapGroup("/orgs");

        orgs.MapGet("/", (HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Ok(new MyOrgsResponse((await service.ListMineAsync(p, context.RequestAborted)).Select(m => new MyOrgInfo(m.Organization.Name, m.Role.ToStored(), m.Organization.CreatedAt)).ToList()))))
            .Operation("listMyOrgs", "The organizations the caller belongs to, with the caller's role").Problems(400, 401);

        orgs.MapPost("/", (HttpContext context, OrganizationService service) => WithCaller(context, async Task<Results<Created<OrgInfo>, ProblemHttpResult>> (p) =>
        {
            var body = await JsonBody.ReadAsync<NameBody>(context);
            if (body?.Name is null) return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON {\"name\":...}");
            return Created(await service.CreateAsync(p, body.Name, context.RequestAborted), OrgInfo.Of);
        })).Operation("createOrg", "Create an organization (the caller becomes its owner)").JsonBody<NameBody>()
            .RequestExample("""{"name":"acme"}""").Problems(400, 401, 403, 409);

        orgs.MapGet("/{org}", (string org, HttpContext context, OrganizationService service) => WithCaller(context, async Task<Results<Ok<OrgDetailsResponse>, ProblemHttpResult>> (p) =>
        {
            var found = await service.GetAsync(p, org, context.RequestAborted);
            if (found.Error is { } error) return ApiResults.Problem(error);
            var members = await service.ListMembersAsync(p, org, context.RequestAborted);
            var teams = await service.ListTeamsAsync(p, org, context.RequestAborted);
            return TypedResults.Ok(new OrgDetailsResponse(
                OrgInfo.Of(found.Value.Org),
                found.Value.Role?.ToStored(),
                members.Value?.Select(MemberInfo.Of).ToList(),
                teams.Value?.Select(TeamInfo.Of).ToList()));
        })).Operation("getOrg", "An organization with its members and teams").Problems(400, 401, 403, 404);

        orgs.MapMethods("/{org}", ["PATCH"], (string org, HttpContext context, OrganizationService service) => WithCaller(context, async Task<Results<Ok<OrgInfo>, ProblemHttpResult>> (p) =>
        {
            var body = await JsonBody.ReadAsync<NameBody>(context);
            if (body?.Name is null) return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON {\"name\": new name}");
            return Reply(await service.RenameAsync(p, org, body.Name, context.RequestAborted), OrgInfo.Of);
        })).Operation("renameOrg", "Rename an organization").JsonBody<NameBody>().Problems(400, 401, 403, 404, 409);

        orgs.MapDelete("/{org}", (string org, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.DeleteAsync(p, org, context.RequestAborted), _ => OkResponse.Instance)))
            .Operation("deleteOrg", "Delete an organization").Problems(400, 401, 403, 404, 409);

        orgs.MapGet("/{org}/members", (string org, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.ListMembersAsync(p, org, context.RequestAborted), m => new MembersResponse(m.Select(MemberInfo.Of).ToList()))))
            .Operation("listOrgMembers", "An organization's members and their roles").Problems(400, 401, 403, 404);

        orgs.MapPut("/{org}/members/{user}", (string org, string user, HttpContext context, OrganizationService service) => WithCaller(context, async Task<Results<Ok<MemberInfo>, ProblemHttpResult>> (p) =>
        {
            var body = await JsonBody.ReadAsync<RoleBody>(context);
            if (!OrgRoles.TryParse(body?.Role, out var role)) return ApiResults.Problem(StatusCodes.Status400BadRequest, $"expected JSON {{\"role\": {RoleHint}}}");
            return Reply(await service.SetRoleAsync(p, org, user, role, context.RequestAborted), MemberInfo.Of);
        })).Operation("setOrgMemberRole", "Change a member's role").JsonBody<RoleBody>().RequestExample("""{"role":"admin"}""").Problems(400, 401, 403, 404, 409);

        orgs.MapDelete("/{org}/members/{user}", (string org, string user, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.RemoveMemberAsync(p, org, user, context.RequestAborted), _ => OkResponse.Instance)))
            .Operation("removeOrgMember", "Remove a member (or leave, for oneself)").Problems(400, 401, 403, 404, 409);

        orgs.MapPost("/{org}/invitations", (string org, HttpContext context, OrganizationService service) => WithCaller(context, async Task<Results<Created<InvitationInfo>, ProblemHttpResult>> (p) =>
        {
            var body = await JsonBody.ReadAsync<InvitationBody>(context);
            if (body?.User is null || !OrgRoles.TryParse(body.Role ?? "member", out var role))
                return ApiResults.Problem(StatusCodes.Status400BadRequest, $"expected JSON {{\"user\": name, \"role\": {RoleHint}}}");
            return Created(await service.InviteAsync(p, org, body.User, role, context.RequestAborted), InvitationInfo.Of);
        })).Operation("inviteToOrg", "Invite a user to an organization").JsonBody<InvitationBody>()
            .RequestExample("""{"user":"bob","role":"member"}""").Problems(400, 401, 403, 404, 409);

        orgs.MapGet("/{org}/invitations", (string org, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.ListInvitationsAsync(p, org, context.RequestAborted), list => new InvitationsResponse(list.Select(InvitationInfo.Of).ToList()))))
            .Operation("listOrgInvitations", "An organization's open invitations").Problems(400, 401, 403, 404);

        orgs.MapDelete("/{org}/invitations/{id:long}", (string org, long id, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.CancelInvitationAsync(p, org, id, context.RequestAborted), _ => OkResponse.Instance)))
            .Operation("cancelOrgInvitation", "Cancel an invitation").Problems(400, 401, 403, 404);

        orgs.MapGet("/{org}/teams", (string org, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.ListTeamsAsync(p, org, context.RequestAborted), teams => new TeamsResponse(teams.Select(TeamInfo.Of).ToList()))))
            .Operation("listTeams", "An organization's teams").Problems(400, 401, 403, 404);

        orgs.MapPost("/{org}/teams", (string org, HttpContext context, OrganizationService service) => WithCaller(context, async Task<Results<Created<TeamInfo>, ProblemHttpResult>> (p) =>
        {
            var body = await JsonBody.ReadAsync<NameBody>(context);
            if (body?.Name is null) return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON {\"name\":...}");
            return Created(await service.CreateTeamAsync(p, org, body.Name, context.RequestAborted), TeamInfo.Of);
        })).Operation("createTeam", "Create a team in an organization").JsonBody<NameBody>().Problems(400, 401, 403, 404, 409);

        orgs.MapDelete("/{org}/teams/{team}", (string org, string team, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.DeleteTeamAsync(p, org, team, context.RequestAborted), _ => OkResponse.Instance)))
            .Operation("deleteTeam", "Delete a team").Problems(400, 401, 403, 404);

        orgs.MapGet("/{org}/teams/{team}/members", (string org, string team, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.ListTeamMembersAsync(p, org, team, context.RequestAborted), m => new MembersResponse(m.Select(MemberInfo.Of).ToList()))))
            .Operation("listTeamMembers", "A team's members").Problems(400, 401, 403, 404);

        orgs.MapPut("/{org}/teams/{team}/members/{user}", (string org, string team, string user, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.AddTeamMemberAsync(p, org, team, user, context.RequestAborted), added => new TeamMemberAddedResponse(true, added))))
            .Operation("addTeamMember", "Add an organization member to a team").Problems(400, 401, 403, 404, 409);

        orgs.MapDelete("/{org}/teams/{team}/members/{user}", (string org, string team, string user, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.RemoveTeamMemberAsync(p, org, team, user, context.RequestAborted), _ => OkResponse.Instance)))
            .Operation("removeTeamMember", "Remove a member from a team").Problems(400, 401, 403, 404);

        api.MapGet("/me/invitations", (HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Ok(new InvitationsResponse((await service.ListMyInvitationsAsync(p, context.RequestAborted)).Select(InvitationInfo.Of).ToList()))))
            .Operation("listMyInvitations", "Invitations waiting for the caller").Problems(400, 401);

        api.MapPost("/me/invitations/{id:long}/accept", (long id, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.AnswerInvitationAsync(p, id, accept: true, context.RequestAborted), i => new InvitationAcceptedResponse(true, i.OrgName, i.Role.ToStored()))))
            .Operation("acceptInvitation", "Accept an invitation (join the organization)").Problems(400, 401, 403, 404, 409);

        api.MapPost("/me/invitations/{id:long}/decline", (long id, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.AnswerInvitationAsync(p, id, accept: false, context.RequestAborted), _ => OkResponse.Instance)))
            .Operation("declineInvitation", "Decline an invitation").Problems(400, 401, 403, 404);

        app.MapGet("/api/v1/admin/orgs", (int? page, int? per_page, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.ListAllAsync(p, page ?? 1, per_page ?? 100, context.RequestAborted), r => new OrgListResponse(r.Organizations.Select(OrgInfo.Of).ToList(), new TotalMeta(r.Total)))))
            .WithTags(ApiDocs.AdminTag).Auth(ApiAuth.TokenOrSession)
            .Operation("listAllOrgs", "Every organization (administrators)").Problems(400, 401, 403);
        return app;
    }

    private static Results<Created<TOut>, ProblemHttpResult> Created<T, TOut>(Result<T> result, Func<T, TOut> json) =>
        result.Error is { } error ? ApiResults.Problem(error) : TypedResults.Created((string?)null, json(result.Value!));
}
