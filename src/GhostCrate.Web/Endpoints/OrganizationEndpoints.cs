using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Organizations;
using GhostCrate.Web.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GhostCrate.Web.Endpoints;

/// <summary>Organizations, members, invitations and teams (JSON API, problem details). Rules: docs/permissions.md.</summary>
public static class OrganizationEndpoints
{
    public static IEndpointRouteBuilder MapOrganizations(this IEndpointRouteBuilder app)
    {
        var orgs = app.MapGroup("/api/v1/orgs");

        orgs.MapGet("/", (HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Results.Json(new { orgs = (await service.ListMineAsync(p, context.RequestAborted)).Select(m => new { name = m.Organization.Name, role = m.Role.ToStored(), created_at = m.Organization.CreatedAt }) })));

        orgs.MapPost("/", (HttpContext context, OrganizationService service) => WithCaller(context, async p =>
        {
            var body = await JsonBody.ReadAsync<NameBody>(context);
            if (body?.Name is null) return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON {\"name\":...}");
            return Reply(await service.CreateAsync(p, body.Name, context.RequestAborted), o => OrgJson(o), StatusCodes.Status201Created);
        }));

        orgs.MapGet("/{org}", (string org, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
        {
            var found = await service.GetAsync(p, org, context.RequestAborted);
            if (found.Error is { } error) return ApiResults.Problem(error);
            var members = await service.ListMembersAsync(p, org, context.RequestAborted);
            var teams = await service.ListTeamsAsync(p, org, context.RequestAborted);
            return Results.Json(new
            {
                org = OrgJson(found.Value.Org),
                role = found.Value.Role?.ToStored(),
                members = members.Value?.Select(MemberJson),
                teams = teams.Value?.Select(t => new { name = t.Name, created_at = t.CreatedAt }),
            });
        }));

        orgs.MapMethods("/{org}", ["PATCH"], (string org, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
        {
            var body = await JsonBody.ReadAsync<NameBody>(context);
            if (body?.Name is null) return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON {\"name\": new name}");
            return Reply(await service.RenameAsync(p, org, body.Name, context.RequestAborted), o => OrgJson(o));
        }));

        orgs.MapDelete("/{org}", (string org, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.DeleteAsync(p, org, context.RequestAborted), _ => new { ok = true })));

        orgs.MapGet("/{org}/members", (string org, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.ListMembersAsync(p, org, context.RequestAborted), m => new { members = m.Select(MemberJson) })));

        orgs.MapPut("/{org}/members/{user}", (string org, string user, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
        {
            var body = await JsonBody.ReadAsync<RoleBody>(context);
            if (!OrgRoles.TryParse(body?.Role, out var role)) return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON {\"role\": \"owner\" | \"admin\" | \"member\" | \"contributor\"}");
            return Reply(await service.SetRoleAsync(p, org, user, role, context.RequestAborted), MemberJson);
        }));

        orgs.MapDelete("/{org}/members/{user}", (string org, string user, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.RemoveMemberAsync(p, org, user, context.RequestAborted), _ => new { ok = true })));

        orgs.MapPost("/{org}/invitations", (string org, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
        {
            var body = await JsonBody.ReadAsync<InviteBody>(context);
            if (body?.User is null || !OrgRoles.TryParse(body.Role ?? "member", out var role))
                return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON {\"user\": name, \"role\": \"owner\" | \"admin\" | \"member\" | \"contributor\"}");
            return Reply(await service.InviteAsync(p, org, body.User, role, context.RequestAborted), InvitationJson, StatusCodes.Status201Created);
        }));

        orgs.MapGet("/{org}/invitations", (string org, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.ListInvitationsAsync(p, org, context.RequestAborted), list => new { invitations = list.Select(InvitationJson) })));

        orgs.MapDelete("/{org}/invitations/{id:long}", (string org, long id, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.CancelInvitationAsync(p, org, id, context.RequestAborted), _ => new { ok = true })));

        orgs.MapGet("/{org}/teams", (string org, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.ListTeamsAsync(p, org, context.RequestAborted), teams => new { teams = teams.Select(t => new { name = t.Name, created_at = t.CreatedAt }) })));

        orgs.MapPost("/{org}/teams", (string org, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
        {
            var body = await JsonBody.ReadAsync<NameBody>(context);
            if (body?.Name is null) return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON {\"name\":...}");
            return Reply(await service.CreateTeamAsync(p, org, body.Name, context.RequestAborted), t => new { name = t.Name, created_at = t.CreatedAt }, StatusCodes.Status201Created);
        }));

        orgs.MapDelete("/{org}/teams/{team}", (string org, string team, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.DeleteTeamAsync(p, org, team, context.RequestAborted), _ => new { ok = true })));

        orgs.MapGet("/{org}/teams/{team}/members", (string org, string team, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.ListTeamMembersAsync(p, org, team, context.RequestAborted), m => new { members = m.Select(MemberJson) })));

        orgs.MapPut("/{org}/teams/{team}/members/{user}", (string org, string team, string user, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.AddTeamMemberAsync(p, org, team, user, context.RequestAborted), added => new { ok = true, added })));

        orgs.MapDelete("/{org}/teams/{team}/members/{user}", (string org, string team, string user, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.RemoveTeamMemberAsync(p, org, team, user, context.RequestAborted), _ => new { ok = true })));

        app.MapGet("/api/v1/me/invitations", (HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Results.Json(new { invitations = (await service.ListMyInvitationsAsync(p, context.RequestAborted)).Select(InvitationJson) })));

        app.MapPost("/api/v1/me/invitations/{id:long}/accept", (long id, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.AnswerInvitationAsync(p, id, accept: true, context.RequestAborted), i => new { ok = true, org = i.OrgName, role = i.Role.ToStored() })));

        app.MapPost("/api/v1/me/invitations/{id:long}/decline", (long id, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.AnswerInvitationAsync(p, id, accept: false, context.RequestAborted), _ => new { ok = true })));

        app.MapGet("/api/v1/admin/orgs", (int? page, int? per_page, HttpContext context, OrganizationService service) => WithCaller(context, async p =>
            Reply(await service.ListAllAsync(p, page ?? 1, per_page ?? 100, context.RequestAborted), r => new { orgs = r.Organizations.Select(OrgJson), meta = new { total = r.Total } })));
        return app;
    }

    private static async Task<IResult> WithCaller(HttpContext context, Func<Principal, Task<IResult>> action)
    {
        var (principal, problem) = await ApiCaller.RequireAsync(context);
        return problem ?? await action(principal!);
    }

    private static IResult Reply<T>(Result<T> result, Func<T, object> json, int status = StatusCodes.Status200OK) =>
        result.Error is { } error ? ApiResults.Problem(error) : Results.Json(json(result.Value!), statusCode: status);

    private static object OrgJson(OrganizationRecord org) => new { name = org.Name, created_at = org.CreatedAt };

    private static object MemberJson(OrgMemberRecord m) => new { login = m.Username, role = m.Role.ToStored(), since = m.CreatedAt };

    private static object InvitationJson(InvitationRecord i) => new
    {
        id = i.Id,
        org = i.OrgName,
        user = i.Username,
        role = i.Role.ToStored(),
        invited_by = i.InvitedBy,
        created_at = i.CreatedAt,
        expires_at = i.ExpiresAt,
    };

    private sealed class NameBody
    {
        public string? Name { get; set; }
    }

    private sealed class RoleBody
    {
        public string? Role { get; set; }
    }

    private sealed class InviteBody
    {
        public string? User { get; set; }
        public string? Role { get; set; }
    }
}
