using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Policy;
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
/// The download policy's stored part (docs/security.md#policy), problem details on errors: an organization's
/// threshold (members read it, owners and admins change it), the advisory allow-list and the quarantine exemptions
/// (site administrators). Every change is audited by Core/Policy/PolicyService.
/// </summary>
public static class PolicyEndpoints
{
    private const string ThresholdHint = "\"off\" | \"none\" | \"low\" | \"medium\" | \"high\" | \"critical\"";

    public static IEndpointRouteBuilder MapPolicy(this IEndpointRouteBuilder app)
    {
        var orgs = app.MapGroup("/api/v1/orgs").WithTags(ApiDocs.OrganizationsTag).Auth(ApiAuth.TokenOrSession);
        orgs.MapGet("/{org}/policy", (string org, HttpContext context, PolicyService service) => WithCaller(context, async p =>
            Reply(await service.GetOrgPolicyAsync(p, org, context.RequestAborted), OrgPolicyDto.Of)))
            .Operation("getOrgPolicy", "An organization's download policy (the advisory severity from which downloads of its crates are refused)")
            .Problems(400, 401, 404);

        orgs.MapPut("/{org}/policy", (string org, HttpContext context, PolicyService service) => WithCaller(context, async Task<Results<Ok<OrgPolicyDto>, ProblemHttpResult>> (p) =>
        {
            var body = await JsonBody.ReadAsync<OrgPolicyBody>(context);
            if (!PolicyService.TryParseThreshold(body?.BlockSeverity, out var threshold))
                return ApiResults.Problem(StatusCodes.Status400BadRequest, $"expected JSON {{\"block_severity\": {ThresholdHint}}}");
            return Reply(await service.SetOrgPolicyAsync(p, org, threshold, context.RequestAborted), OrgPolicyDto.Of);
        })).Operation("setOrgPolicy", "Set an organization's download policy (owners and admins); \"off\" removes it")
            .JsonBody<OrgPolicyBody>().RequestExample("""{"block_severity":"high"}""").Problems(400, 401, 403, 404);

        var admin = app.MapGroup("/api/v1/admin").WithTags(ApiDocs.AdminTag).Auth(ApiAuth.TokenOrSession);
        admin.MapGet("/advisories/allowed", (HttpContext context, PolicyService service, TimeProvider time) => WithCaller(context, async p =>
            Reply(await service.ListAllowedAsync(p, context.RequestAborted), list => new AllowedAdvisoriesResponse([.. list.Select(a => AllowedAdvisoryDto.Of(a, time.GetUtcNow()))]))))
            .Operation("listAllowedAdvisories", "Advisories on the allow-list (administrators)").Problems(400, 401, 403);

        admin.MapPut("/advisories/allowed/{id}", (string id, HttpContext context, PolicyService service, TimeProvider time) => WithCaller(context, async Task<Results<Ok<AllowedAdvisoryDto>, ProblemHttpResult>> (p) =>
        {
            var body = await JsonBody.ReadAsync<AllowBody>(context);
            if (body is null || !PolicyText.TryParseDay(body.Until, out var until))
                return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON {\"reason\": why, \"until\": \"YYYY-MM-DD\" (the last day, UTC)}");
            return Reply(await service.AllowAsync(p, id, body.Reason, until, context.RequestAborted), a => AllowedAdvisoryDto.Of(a, time.GetUtcNow()));
        })).Operation("allowAdvisory", "Allow an advisory until a date: it no longer blocks downloads (administrators)")
            .JsonBody<AllowBody>().RequestExample("""{"reason":"not reachable from our code (ticket SEC-12)","until":"2027-03-31"}""").Problems(400, 401, 403);

        admin.MapDelete("/advisories/allowed/{id}", (string id, HttpContext context, PolicyService service) => WithCaller(context, async p =>
            Reply(await service.DisallowAsync(p, id, context.RequestAborted), _ => OkResponse.Instance)))
            .Operation("disallowAdvisory", "Remove an advisory from the allow-list (administrators)").Problems(400, 401, 403, 404);

        admin.MapGet("/quarantine/exemptions", (HttpContext context, PolicyService service, TimeProvider time) => WithCaller(context, async p =>
            Reply(await service.ListExemptionsAsync(p, context.RequestAborted), list => new QuarantineExemptionsResponse([.. list.Select(e => QuarantineExemptionDto.Of(e, time.GetUtcNow()))]))))
            .Operation("listQuarantineExemptions", "Proxied crates exempt from the quarantine of fresh versions (administrators)").Problems(400, 401, 403);

        admin.MapPut("/quarantine/exemptions/{crate}", (string crate, HttpContext context, PolicyService service, TimeProvider time) => WithCaller(context, async Task<Results<Ok<QuarantineExemptionDto>, ProblemHttpResult>> (p) =>
        {
            var body = await JsonBody.ReadAsync<AllowBody>(context);
            if (body is null || !PolicyText.TryParseDay(body.Until, out var until))
                return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON {\"reason\": why, \"until\": \"YYYY-MM-DD\" (the last day, UTC)}");
            return Reply(await service.ExemptAsync(p, crate, body.Reason, until, context.RequestAborted), e => QuarantineExemptionDto.Of(e, time.GetUtcNow()));
        })).Operation("exemptFromQuarantine", "Let fresh versions of a proxied crate through the quarantine until a date (administrators)")
            .JsonBody<AllowBody>().RequestExample("""{"reason":"urgent fix for INC-7","until":"2027-01-15"}""").Problems(400, 401, 403);

        admin.MapDelete("/quarantine/exemptions/{crate}", (string crate, HttpContext context, PolicyService service) => WithCaller(context, async p =>
            Reply(await service.RemoveExemptionAsync(p, crate, context.RequestAborted), _ => OkResponse.Instance)))
            .Operation("removeQuarantineExemption", "End a crate's quarantine exemption (administrators)").Problems(400, 401, 403, 404);
        return app;
    }
}
