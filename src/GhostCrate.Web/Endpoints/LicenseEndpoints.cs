using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Licenses;
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
/// Licences (docs/security.md, "Licences"; problem details): an organization's licence policy (members read it, owners
/// and admins of the organization set and remove it, audited) and the administrators' report of licences in use.
/// </summary>
public static class LicenseEndpoints
{
    public static IEndpointRouteBuilder MapLicenses(this IEndpointRouteBuilder app)
    {
        var orgs = app.MapGroup("/api/v1/orgs").WithTags(ApiDocs.OrganizationsTag).Auth(ApiAuth.TokenOrSession);

        orgs.MapGet("/{org}/license-policy", (string org, HttpContext context, LicenseService licenses) => WithCaller(context, async Task<Results<Ok<OrgLicensePolicyResponse>, ProblemHttpResult>> (p) =>
        {
            var found = await licenses.GetOrgPolicyAsync(p, org, context.RequestAborted);
            if (found.Error is { } error) return ApiResults.Problem(error);
            return TypedResults.Ok(new OrgLicensePolicyResponse(org, found.Value is { } policy ? LicensePolicyDto.Of(policy) : null));
        })).Operation("getOrgLicensePolicy", "An organization's licence policy (null when it has none)",
            "Applied at publish, on top of the registry's (Licenses:*), to every crate the organization owns directly or through a team.")
            .Problems(400, 401, 404);

        orgs.MapPut("/{org}/license-policy", (string org, HttpContext context, LicenseService licenses) => WithCaller(context, async Task<Results<Ok<OrgLicensePolicyResponse>, ProblemHttpResult>> (p) =>
        {
            var body = await JsonBody.ReadAsync<LicensePolicyBody>(context);
            if (body is null || !Modes.TryParse(body.Mode ?? "refuse", out var mode))
                return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON {\"mode\": \"refuse\" | \"warn\", \"allow\": [ids], \"deny\": [ids], \"allow_custom\": true | false}");
            var set = await licenses.SetOrgPolicyAsync(p, org, mode, body.Allow ?? [], body.Deny ?? [], body.AllowCustom ?? true, context.RequestAborted);
            if (set.Error is { } error) return ApiResults.Problem(error);
            return TypedResults.Ok(new OrgLicensePolicyResponse(org, LicensePolicyDto.Of(set.Value!)));
        })).Operation("setOrgLicensePolicy", "Set an organization's licence policy (owners and admins of the organization)",
            "Entries are SPDX licence ids (an id also covers its `+` form), `LicenseRef-...`, or `PREFIX*` patterns such as `GPL-*`.")
            .JsonBody<LicensePolicyBody>().RequestExample("""{"mode":"refuse","allow":[],"deny":["GPL-*","AGPL-*"],"allow_custom":true}""")
            .Problems(400, 401, 403, 404);

        orgs.MapDelete("/{org}/license-policy", (string org, HttpContext context, LicenseService licenses) => WithCaller(context, async Task<Results<Ok<OkResponse>, ProblemHttpResult>> (p) =>
        {
            var removed = await licenses.DeleteOrgPolicyAsync(p, org, context.RequestAborted);
            return removed.Error is { } error ? ApiResults.Problem(error) : TypedResults.Ok(OkResponse.Instance);
        })).Operation("deleteOrgLicensePolicy", "Remove an organization's licence policy (idempotent: ok when it had none)").Problems(400, 401, 403, 404);

        app.MapGet("/api/v1/admin/licenses", (string? license, HttpContext context, LicenseService licenses) => WithCaller(context, async Task<Results<Ok<LicenseReportResponse>, ProblemHttpResult>> (p) =>
        {
            var report = await licenses.ReportAsync(p, license, context.RequestAborted);
            if (report.Error is { } error) return ApiResults.Problem(error);
            var value = report.Value!;
            return TypedResults.Ok(new LicenseReportResponse(
                LicensePolicyDto.Of(value.Policy), SpdxLicenseList.Source,
                value.Counts.Select(c => new LicenseCountDto(c.License, c.Versions, c.Allowed)).ToList(),
                value.Rows.Select(LicensedVersionDto.Of).ToList()));
        })).WithTags(ApiDocs.AdminTag).Auth(ApiAuth.TokenOrSession)
            .Operation("getLicenseReport", "Every crate version in use by licence, with the registry policy's verdict (administrators)",
                "`license` filters by one licence id (as normalised: `GPL-3.0-or-later`, `Apache-2.0+`), or `custom` (only `license-file`, or none), or `invalid`.")
            .Problems(400, 401, 403);
        return app;
    }
}
