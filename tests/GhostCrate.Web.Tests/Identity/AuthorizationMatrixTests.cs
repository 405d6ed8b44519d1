using System.Net.Http.Headers;
using System.Net.Http.Json;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Organizations;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Identity;

/// <summary>
/// Every Cargo and JSON route × every kind of caller, in normal and auth-required mode. Each cell's expected status is
/// written in the table below; docs/permissions.md explains the rules behind them. The world (fixture):
/// - `acme-lib` is owned by olga (user) and org:acme; `acme-secret` by olga and org:acme:core and is restricted;
/// - olga owns the organization acme, mia is a member (on team core), cole a contributor (not on core);
/// - reader is a read-only user, dora a direct owner of acme-lib who is disabled;
/// - expired and revoked are tokens of olga; wrong-scope is olga's token limited to `publish-new` on `unrelated-*`.
/// Cells never depend on each other: writes use fresh names or versions, and every cell gets a fresh token.
/// </summary>
public abstract class AuthorizationMatrixTests(MatrixWorld world)
{
    // Columns, in the order of the expectation strings.
    public static readonly string[] Callers = ["anonymous", "read-only", "member", "contributor", "owner", "admin", "disabled", "expired", "revoked", "wrong-scope"];

    public sealed record Row(string Method, string Path, string Normal, string AuthRequired, string? Body = null);

    //                                                                                anon  ro   mem  con  own  adm  dis  exp  rev  scope
    public static readonly Row[] Rows =
    [
        new("GET",    "/index/config.json",                                          "200  200  200  200  200  200  200  200  200  200",
                                                                                     "401  200  200  200  200  200  401  401  401  200"),
        new("GET",    "/index/ac/me/acme-lib",                                       "200  200  200  200  200  200  200  200  200  200",
                                                                                     "401  200  200  200  200  200  401  401  401  200"),
        new("GET",    "/index/ac/me/acme-secret",                                    "200  200  200  200  200  200  200  200  200  200",
                                                                                     "401  404  200  404  200  200  401  401  401  200"),
        new("GET",    "/api/v1/crates/acme-lib/1.0.0/download",                      "200  200  200  200  200  200  200  200  200  200",
                                                                                     "401  200  200  200  200  200  401  401  401  200"),
        new("GET",    "/api/v1/crates/acme-secret/1.0.0/download",                   "200  200  200  200  200  200  200  200  200  200",
                                                                                     "401  404  200  404  200  200  401  401  401  200"),
        new("GET",    "/api/v1/crates?q=acme",                                       "200  200  200  200  200  200  200  200  200  200",
                                                                                     "401  200  200  200  200  200  401  401  401  200"),
        new("GET",    "/api/v1/crates/acme-lib",                                     "200  200  200  200  200  200  200  200  200  200",
                                                                                     "401  200  200  200  200  200  401  401  401  200"),
        new("GET",    "/api/v1/crates/acme-lib/1.0.0",                               "200  200  200  200  200  200  200  200  200  200",
                                                                                     "401  200  200  200  200  200  401  401  401  200"),
        new("GET",    "/api/v1/crates/acme-secret/1.0.0",                            "200  200  200  200  200  200  200  200  200  200",
                                                                                     "401  404  200  404  200  200  401  401  401  200"),
        new("GET",    "/api/v1/advisories?crate=acme-secret",                        "200  200  200  200  200  200  200  200  200  200",
                                                                                     "401  200  200  200  200  200  401  401  401  200"),
        new("GET",    "/api/v1/crates/acme-lib/1.0.0/sbom",                          "200  200  200  200  200  200  200  200  200  200",
                                                                                     "401  200  200  200  200  200  401  401  401  200"),
        new("GET",    "/api/v1/crates/acme-secret/1.0.0/sbom?format=spdx",           "200  200  200  200  200  200  200  200  200  200",
                                                                                     "401  404  200  404  200  200  401  401  401  200"),
        new("POST",   "/api/v1/audit",                                               "200  200  200  200  200  200  200  200  200  200",
                                                                                     "401  200  200  200  200  200  401  401  401  200", "version = 4\n"),
        new("GET",    "/api/v1/crates/acme-lib/owners",                              "200  200  200  200  200  200  200  200  200  200",
                                                                                     "401  200  200  200  200  200  401  401  401  200"),
        new("PUT",    "/api/v1/crates/new {new crate}",                              "401  403  200  200  200  200  401  401  401  403",
                                                                                     "401  403  200  200  200  200  401  401  401  403"),
        new("PUT",    "/api/v1/crates/new {acme-lib update}",                        "401  403  200  200  200  200  401  401  401  403",
                                                                                     "401  403  200  200  200  200  401  401  401  403"),
        new("DELETE", "/api/v1/crates/acme-lib/1.0.0/yank",                          "401  403  200  403  200  200  401  401  401  403",
                                                                                     "401  403  200  403  200  200  401  401  401  403"),
        new("PUT",    "/api/v1/crates/acme-lib/1.0.0/unyank",                        "401  403  200  403  200  200  401  401  401  403",
                                                                                     "401  403  200  403  200  200  401  401  401  403"),
        new("PATCH",  "/api/v1/crates/acme-lib/1.0.0",                               "401  403  200  403  200  200  401  401  401  403",
                                                                                     "401  403  200  403  200  200  401  401  401  403", """{"version":{"yanked":true,"yank_message":"matrix"}}"""),
        // Deleting needs the right to change owners (crates.io: owners, not team members); fresh crates, within 72 hours.
        new("DELETE", "/api/v1/crates/{doomed crate}",                               "401  403  403  403  204  204  401  401  401  403",
                                                                                     "401  403  403  403  204  204  401  401  401  403"),
        new("DELETE", "/api/v1/crates/{doomed version}",                             "401  403  403  403  204  204  401  401  401  403",
                                                                                     "401  403  403  403  204  204  401  401  401  403"),
        new("PUT",    "/api/v1/crates/acme-lib/owners",                              "401  403  403  403  200  200  401  401  401  403",
                                                                                     "401  403  403  403  200  200  401  401  401  403", """{"users":["helper"]}"""),
        new("DELETE", "/api/v1/crates/acme-lib/owners",                              "401  403  403  403  200  200  401  401  401  403",
                                                                                     "401  403  403  403  200  200  401  401  401  403", """{"users":["helper"]}"""),
        // A fresh crate of olga's each time: she owns it and the organization; an administrator may transfer any crate.
        new("POST",   "/api/v1/orgs/acme/crates {transfer}",                         "401  403  403  403  200  200  401  401  401  403",
                                                                                     "401  403  403  403  200  200  401  401  401  403"),
        new("PUT",    "/api/v1/crates/acme-lib/access",                              "401  403  403  403  200  200  401  401  401  403",
                                                                                     "401  403  403  403  200  200  401  401  401  403", """{"restricted":false}"""),
        new("PUT",    "/api/v1/docs/acme-lib/1.0.0 {docs}",                          "401  403  200  200  200  200  401  401  401  403",
                                                                                     "401  403  200  200  200  200  401  401  401  403"),
        new("GET",    "/api/v1/docs/acme-lib/1.0.0/status",                          "200  200  200  200  200  200  200  200  200  200",
                                                                                     "401  200  200  200  200  200  401  401  401  200"),
        new("GET",    "/api/v1/docs/acme-secret/1.0.0/status",                       "200  200  200  200  200  200  200  200  200  200",
                                                                                     "401  404  200  404  200  200  401  401  401  200"),
        // The matrix's server has no builder (Docs:Build:Enabled=false): whoever may rebuild gets as far as its 409.
        new("POST",   "/api/v1/docs/acme-lib/1.0.0/rebuild",                         "401  403  409  409  409  409  401  401  401  403",
                                                                                     "401  403  409  409  409  409  401  401  401  403"),
        new("GET",    "/api/v1/admin/docs",                                          "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        new("POST",   "/api/v1/admin/docs/rebuild",                                  "401  403  403  403  403  409  401  401  401  403",
                                                                                     "401  403  403  403  403  409  401  401  401  403"),
        new("GET",    "/docs/acme-lib/1.0.0/acme_lib/index.html",                    "200  200  200  200  200  200  200  200  200  200",
                                                                                     "401  200  200  200  200  200  401  401  401  200"),
        new("GET",    "/docs/acme-secret/1.0.0/acme_secret/index.html",              "200  200  200  200  200  200  200  200  200  200",
                                                                                     "401  404  200  404  200  200  401  401  401  200"),
        new("GET",    "/api/v1/me",                                                  "401  200  200  200  200  200  401  401  401  200",
                                                                                     "401  200  200  200  200  200  401  401  401  200"),
        new("GET",    "/api/v1/me/tokens",                                           "401  200  200  200  200  200  401  401  401  403",
                                                                                     "401  200  200  200  200  200  401  401  401  403"),
        new("PUT",    "/api/v1/me/tokens",                                           "401  200  200  200  200  200  401  401  401  403",
                                                                                     "401  200  200  200  200  200  401  401  401  403", """{"api_token":{"name":"matrix"}}"""),
        new("DELETE", "/api/v1/tokens/current",                                      "401  204  204  204  204  204  401  401  401  204",
                                                                                     "401  204  204  204  204  204  401  401  401  204"),
        new("GET",    "/feeds/updates.atom",                                         "200  200  200  200  200  200  200  200  200  200",
                                                                                     "401  200  200  200  200  200  401  401  401  200"),
        new("GET",    "/feeds/crates/acme-secret.atom",                              "200  200  200  200  200  200  200  200  200  200",
                                                                                     "401  404  200  404  200  200  401  401  401  200"),
        new("GET",    "/api/v1/me/feeds",                                            "401  200  200  200  200  200  401  401  401  403",
                                                                                     "401  200  200  200  200  200  401  401  401  403"),
        new("GET",    "/api/v1/me/notifications",                                    "401  200  200  200  200  200  401  401  401  403",
                                                                                     "401  200  200  200  200  200  401  401  401  403"),
        new("PUT",    "/api/v1/me/notifications",                                    "401  200  200  200  200  200  401  401  401  403",
                                                                                     "401  200  200  200  200  200  401  401  401  403", """{"topics":{"crate.published":false}}"""),
        new("GET",    "/api/v1/me/following",                                        "401  200  200  200  200  200  401  401  401  403",
                                                                                     "401  200  200  200  200  200  401  401  401  403"),
        new("PUT",    "/api/v1/me/following/crates/acme-lib",                        "401  200  200  200  200  200  401  401  401  403",
                                                                                     "401  200  200  200  200  200  401  401  401  403"),
        // Only those who may read a restricted crate may follow it; to the others it does not exist.
        new("PUT",    "/api/v1/me/following/crates/acme-secret",                     "401  200  200  200  200  200  401  401  401  403",
                                                                                     "401  404  200  404  200  200  401  401  401  403"),
        new("DELETE", "/api/v1/me/following/crates/acme-lib",                        "401  200  200  200  200  200  401  401  401  403",
                                                                                     "401  200  200  200  200  200  401  401  401  403"),
        new("PUT",    "/api/v1/me/following/orgs/acme",                              "401  200  200  200  200  200  401  401  401  403",
                                                                                     "401  200  200  200  200  200  401  401  401  403"),
        new("DELETE", "/api/v1/me/following/orgs/acme",                              "401  200  200  200  200  200  401  401  401  403",
                                                                                     "401  200  200  200  200  200  401  401  401  403"),
        new("GET",    "/api/v1/me/crate_owner_invitations",                          "401  200  200  200  200  200  401  401  401  200",
                                                                                     "401  200  200  200  200  200  401  401  401  200"),
        // Nobody in the world has an invitation to acme-lib: whoever may answer gets as far as the 404; read-only
        // accounts may not accept, scoped tokens may not answer at all.
        new("PUT",    "/api/v1/me/crate_owner_invitations/acme-lib",                 "401  403  404  404  404  404  401  401  401  403",
                                                                                     "401  403  404  404  404  404  401  401  401  403", """{"crate_owner_invite":{"accepted":true}}"""),
        new("GET",    "/api/v1/crates/acme-lib/owner_invitations",                   "401  403  403  403  200  200  401  401  401  403",
                                                                                     "401  403  403  403  200  200  401  401  401  403"),
        // helper is invited before each attempt; those who may change owners withdraw it.
        new("DELETE", "/api/v1/crates/acme-lib/owner_invitations/helper",            "401  403  403  403  200  200  401  401  401  403",
                                                                                     "401  403  403  403  200  200  401  401  401  403"),
        new("GET",    "/api/v1/me/invitations",                                      "401  200  200  200  200  200  401  401  401  200",
                                                                                     "401  200  200  200  200  200  401  401  401  200"),
        new("GET",    "/api/v1/orgs/acme",                                           "401  404  200  200  200  200  401  401  401  200",
                                                                                     "401  404  200  200  200  200  401  401  401  200"),
        new("POST",   "/api/v1/orgs/acme/teams {unique}",                            "401  403  403  403  201  201  401  401  401  403",
                                                                                     "401  403  403  403  201  201  401  401  401  403"),
        new("POST",   "/api/v1/orgs",                                                "401  403  201  201  201  201  401  401  401  403",
                                                                                     "401  403  201  201  201  201  401  401  401  403"),
        new("GET",    "/api/v1/crates/acme-lib/access",                              "200  200  200  200  200  200  200  200  200  200",
                                                                                     "401  200  200  200  200  200  401  401  401  200"),
        new("GET",    "/health",                                                     "200  200  200  200  200  200  200  200  200  200",
                                                                                     "200  200  200  200  200  200  200  200  200  200"),
        new("GET",    "/api/v1/csrf",                                                "200  200  200  200  200  200  200  200  200  200",
                                                                                     "200  200  200  200  200  200  200  200  200  200"),
        new("GET",    "/api/v1/sso/providers",                                       "200  200  200  200  200  200  200  200  200  200",
                                                                                     "200  200  200  200  200  200  200  200  200  200"),
        // These users have no password, so an authorized caller gets as far as "the current password is not correct".
        new("PUT",    "/api/v1/me/password",                                         "401  400  400  400  400  400  401  401  401  403",
                                                                                     "401  400  400  400  400  400  401  401  401  403", """{"current_password":"not it at all","new_password":"a new password 123"}"""),
        new("DELETE", "/api/v1/me/tokens/999999",                                    "401  404  404  404  404  404  401  401  401  403",
                                                                                     "401  404  404  404  404  404  401  401  401  403"),
        new("GET",    "/api/v1/orgs",                                                "401  200  200  200  200  200  401  401  401  200",
                                                                                     "401  200  200  200  200  200  401  401  401  200"),
        new("PATCH",  "/api/v1/orgs/acme",                                           "401  403  403  403  200  200  401  401  401  403",
                                                                                     "401  403  403  403  200  200  401  401  401  403", """{"name":"acme"}"""),
        new("DELETE", "/api/v1/orgs/{olga's org}",                                   "401  403  404  404  200  200  401  401  401  403",
                                                                                     "401  403  404  404  200  200  401  401  401  403"),
        new("GET",    "/api/v1/orgs/acme/members",                                   "401  404  200  200  200  200  401  401  401  200",
                                                                                     "401  404  200  200  200  200  401  401  401  200"),
        new("PUT",    "/api/v1/orgs/acme/members/mia",                               "401  403  403  403  200  200  401  401  401  403",
                                                                                     "401  403  403  403  200  200  401  401  401  403", """{"role":"member"}"""),
        new("POST",   "/api/v1/orgs/acme/invitations {new user}",                    "401  403  403  403  201  201  401  401  401  403",
                                                                                     "401  403  403  403  201  201  401  401  401  403"),
        new("GET",    "/api/v1/orgs/acme/invitations",                               "401  403  403  403  200  200  401  401  401  403",
                                                                                     "401  403  403  403  200  200  401  401  401  403"),
        new("PUT",    "/api/v1/orgs/acme/teams/core/members/mia",                    "401  403  403  403  200  200  401  401  401  403",
                                                                                     "401  403  403  403  200  200  401  401  401  403"),
        new("GET",    "/api/v1/orgs/acme/policy",                                    "401  404  200  200  200  200  401  401  401  200",
                                                                                     "401  404  200  200  200  200  401  401  401  200"),
        new("PUT",    "/api/v1/orgs/acme/policy",                                    "401  403  403  403  200  200  401  401  401  403",
                                                                                     "401  403  403  403  200  200  401  401  401  403", """{"block_severity":"off"}"""),
        new("GET",    "/api/v1/admin/advisories/allowed",                            "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        new("PUT",    "/api/v1/admin/advisories/allowed/RUSTSEC-1999-0001",          "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403", """{"reason":"matrix","until":"2999-01-01"}"""),
        // Nothing is on the list under this id, so an administrator gets as far as its 404.
        new("DELETE", "/api/v1/admin/advisories/allowed/RUSTSEC-1999-0002",          "401  403  403  403  403  404  401  401  401  403",
                                                                                     "401  403  403  403  403  404  401  401  401  403"),
        // Branding (docs/ui.md#branding): administrators only; every body here is valid, so an administrator's cell is 200.
        new("GET",    "/api/v1/admin/branding",                                      "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        new("PUT",    "/api/v1/admin/branding",                                      "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403", """{"display_name":"Matrix Crates","accent_color":"#2f6fdf"}"""),
        new("DELETE", "/api/v1/admin/branding",                                      "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        // The logo's type is read from its bytes (the content type is not trusted): this body is an SVG.
        new("PUT",    "/api/v1/admin/branding/logo",                                 "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403", """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>"""),
        new("DELETE", "/api/v1/admin/branding/logo",                                 "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        // Custom toolchains (docs/toolchains.md#custom-toolchains): administrators only. A JSON body is not the
        // multipart upload (400), and nothing is stored under this name (404).
        new("GET",    "/api/v1/admin/toolchains/custom",                             "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        new("PUT",    "/api/v1/admin/toolchains/custom/matrix-build",                "401  403  403  403  403  400  401  401  401  403",
                                                                                     "401  403  403  403  403  400  401  401  401  403", "{}"),
        new("DELETE", "/api/v1/admin/toolchains/custom/none-such",                   "401  403  403  403  403  404  401  401  401  403",
                                                                                     "401  403  403  403  403  404  401  401  401  403"),
        new("GET",    "/api/v1/admin/deleted",                                       "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        new("GET",    "/api/v1/admin/held",                                          "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        // Nothing is held under these names, so an administrator gets as far as the 404.
        new("GET",    "/api/v1/admin/held/matrix-never-held/1.0.0/download",         "401  403  403  403  403  404  401  401  401  403",
                                                                                     "401  403  403  403  403  404  401  401  401  403"),
        new("POST",   "/api/v1/admin/held/matrix-never-held/1.0.0/approve",          "401  403  403  403  403  404  401  401  401  403",
                                                                                     "401  403  403  403  403  404  401  401  401  403"),
        new("POST",   "/api/v1/admin/held/matrix-never-held/1.0.0/reject",           "401  403  403  403  403  404  401  401  401  403",
                                                                                     "401  403  403  403  403  404  401  401  401  403", """{"reason":"matrix"}"""),
        new("GET",    "/api/v1/admin/quarantine/exemptions",                         "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        new("PUT",    "/api/v1/admin/quarantine/exemptions/matrix-urgent",           "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403", """{"reason":"matrix","until":"2999-01-01"}"""),
        new("DELETE", "/api/v1/admin/quarantine/exemptions/matrix-never-exempt",     "401  403  403  403  403  404  401  401  401  403",
                                                                                     "401  403  403  403  403  404  401  401  401  403"),
        new("GET",    "/api/v1/orgs/acme/teams/core/members",                        "401  404  200  200  200  200  401  401  401  200",
                                                                                     "401  404  200  200  200  200  401  401  401  200"),
        new("GET",    "/api/v1/orgs/acme/license-policy",                            "401  404  200  200  200  200  401  401  401  200",
                                                                                     "401  404  200  200  200  200  401  401  401  200"),
        // An open policy, so that no other cell's publish depends on whether this one ran; DELETE is idempotent.
        new("PUT",    "/api/v1/orgs/acme/license-policy",                            "401  403  403  403  200  200  401  401  401  403",
                                                                                     "401  403  403  403  200  200  401  401  401  403", """{"mode":"warn","allow":[],"deny":[]}"""),
        new("DELETE", "/api/v1/orgs/acme/license-policy",                            "401  403  403  403  200  200  401  401  401  403",
                                                                                     "401  403  403  403  200  200  401  401  401  403"),
        new("GET",    "/api/v1/admin/licenses",                                      "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        new("POST",   "/api/v1/admin/users {unique}",                                "401  403  403  403  403  201  401  401  401  403",
                                                                                     "401  403  403  403  403  201  401  401  401  403"),
        new("POST",   "/api/v1/admin/users/helper/password",                         "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403", """{"password":"helper's new password"}"""),
        new("DELETE", "/api/v1/admin/users/helper/tokens",                           "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        new("GET",    "/api/v1/admin/proxy/status",                                  "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        new("GET",    "/api/v1/admin/mirror/status",                                 "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        new("GET",    "/api/v1/admin/mirror/runs",                                   "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        // The world serves no offline mirror: an administrator gets past authorization to "no mirror configured" (409).
        new("POST",   "/api/v1/admin/mirror/runs",                                   "401  403  403  403  403  409  401  401  401  403",
                                                                                     "401  403  403  403  403  409  401  401  401  403", """{"operation":"sync"}"""),
        new("POST",   "/api/v1/admin/mirror/sync",                                   "401  403  403  403  403  409  401  401  401  403",
                                                                                     "401  403  403  403  403  409  401  401  401  403"),
        new("POST",   "/api/v1/admin/mirror/toolchain-sync",                         "401  403  403  403  403  409  401  401  401  403",
                                                                                     "401  403  403  403  403  409  401  401  401  403", """{"toolchain":{"hosts":["x86_64-unknown-linux-gnu"]}}"""),
        new("POST",   "/api/v1/admin/mirror/verify",                                 "401  403  403  403  403  409  401  401  401  403",
                                                                                     "401  403  403  403  403  409  401  401  401  403"),
        new("POST",   "/api/v1/admin/mirror/repair",                                 "401  403  403  403  403  409  401  401  401  403",
                                                                                     "401  403  403  403  403  409  401  401  401  403"),
        new("POST",   "/api/v1/admin/mirror/export",                                 "401  403  403  403  403  409  401  401  401  403",
                                                                                     "401  403  403  403  403  409  401  401  401  403", """{"incremental":true}"""),
        new("POST",   "/api/v1/admin/mirror/prerequisites",                          "401  403  403  403  403  409  401  401  401  403",
                                                                                     "401  403  403  403  403  409  401  401  401  403", """{"operation":"verify"}"""),
        new("GET",    "/api/v1/admin/mirror/runs/999999",                            "401  403  403  403  403  404  401  401  401  403",
                                                                                     "401  403  403  403  403  404  401  401  401  403"),
        new("POST",   "/api/v1/admin/mirror/runs/999999/cancel",                     "401  403  403  403  403  404  401  401  401  403",
                                                                                     "401  403  403  403  403  404  401  401  401  403"),
        new("GET",    "/api/v1/admin/mirror/runs/999999/bundle",                     "401  403  403  403  403  404  401  401  401  403",
                                                                                     "401  403  403  403  403  404  401  401  401  403"),
        new("GET",    "/api/v1/admin/users",                                         "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        new("GET",    "/api/v1/admin/orgs",                                          "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        new("GET",    "/api/v1/admin/audit",                                         "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        new("GET",    "/api/v1/admin/analytics",                                     "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        new("GET",    "/api/v1/admin/webhooks",                                      "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        new("POST",   "/api/v1/admin/webhooks",                                      "401  403  403  403  403  201  401  401  401  403",
                                                                                     "401  403  403  403  403  201  401  401  401  403", """{"url":"https://hooks.example.com/matrix","events":["crate.unyanked"]}"""),
        new("GET",    "/api/v1/orgs/acme/webhooks",                                  "401  403  403  403  200  200  401  401  401  403",
                                                                                     "401  403  403  403  200  200  401  401  401  403"),
        new("POST",   "/api/v1/orgs/acme/webhooks",                                  "401  403  403  403  201  201  401  401  401  403",
                                                                                     "401  403  403  403  201  201  401  401  401  403", """{"url":"https://hooks.example.com/acme","events":["crate.published"]}"""),
        new("GET",    "/api/v1/admin/jobs",                                          "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        // Job 1: the world's first publish queued its event's fan-out.
        new("GET",    "/api/v1/admin/jobs/1",                                        "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        new("GET",    "/api/v1/admin/backups",                                       "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403"),
        // The world has no Backup:Target: an administrator gets past authorization to "nothing to back up to" (409).
        new("POST",   "/api/v1/admin/backups",                                       "401  403  403  403  403  409  401  401  401  403",
                                                                                     "401  403  403  403  403  409  401  401  401  403"),
        new("PATCH",  "/api/v1/admin/users/helper",                                  "401  403  403  403  403  200  401  401  401  403",
                                                                                     "401  403  403  403  403  200  401  401  401  403", """{"read_only":false}"""),
    ];

    public static TheoryData<int, string> Cells()
    {
        var data = new TheoryData<int, string>();
        for (var row = 0; row < Rows.Length; row++)
        {
            foreach (var caller in Callers) data.Add(row, caller);
        }
        return data;
    }

    protected abstract bool AuthRequired { get; }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Cell(int row, string caller)
    {
        var r = Rows[row];
        var expected = int.Parse((AuthRequired ? r.AuthRequired : r.Normal).Split(' ', StringSplitOptions.RemoveEmptyEntries)[Array.IndexOf(Callers, caller)]);
        var token = await world.CredentialAsync(caller);
        using var client = world.App.Client(token);
        var response = await client.SendAsync(await world.RequestAsync(r));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == (int)response.StatusCode, $"{r.Method} {r.Path} as {caller} ({(AuthRequired ? "auth-required" : "normal")}): expected {expected}, got {(int)response.StatusCode} {body}");
    }
}

public sealed class NormalModeAuthorizationMatrixTests(NormalMatrixWorld world) : AuthorizationMatrixTests(world), IClassFixture<NormalMatrixWorld>
{
    protected override bool AuthRequired => false;
}

public sealed class AuthRequiredAuthorizationMatrixTests(AuthRequiredMatrixWorld world) : AuthorizationMatrixTests(world), IClassFixture<AuthRequiredMatrixWorld>
{
    protected override bool AuthRequired => true;
}

public sealed class NormalMatrixWorld() : MatrixWorld(authRequired: false);

public sealed class AuthRequiredMatrixWorld() : MatrixWorld(authRequired: true);

/// <summary>The users, organization and crates of the matrix, built through the same services the API uses.</summary>
public abstract class MatrixWorld(bool authRequired) : IAsyncLifetime
{
    private int _counter;
    private IServiceProvider Services => App.Services;
    public TestApp App { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = await TestApp.StartAsync(new()
        {
            ["Registry:AuthRequired"] = authRequired ? "true" : "false",
            ["RateLimits:Enabled"] = "false",
            // Every cell mints a fresh token of olga's: the per-user limit must not decide a cell.
            ["Identity:MaxTokensPerUser"] = "10000",
        });
        var users = Services.GetRequiredService<UserService>();
        var repo = Services.GetRequiredService<IUserRepository>();
        foreach (var name in new[] { "reader", "mia", "cole", "olga", "dora", "helper" })
        {
            Assert.True((await users.CreateUserAsync(name, null, isAdmin: false, CancellationToken.None)).IsSuccess);
        }
        var reader = (await repo.FindByNameAsync("reader", default))!;
        await repo.UpdateFlagsAsync(reader.Id, new UserFlags(IsReadOnly: true), default);

        var olga = Principal.ForSession((await repo.FindByNameAsync("olga", default))!);
        var orgs = Services.GetRequiredService<OrganizationService>();
        Assert.True((await orgs.CreateAsync(olga, "acme", default)).IsSuccess);
        foreach (var (name, role) in new[] { ("mia", OrgRole.Member), ("cole", OrgRole.Contributor) })
        {
            var invitation = await orgs.InviteAsync(olga, "acme", name, role, default);
            var invitee = Principal.ForSession((await repo.FindByNameAsync(name, default))!);
            Assert.True((await orgs.AnswerInvitationAsync(invitee, invitation.Value!.Id, accept: true, default)).IsSuccess);
        }
        Assert.True((await orgs.CreateTeamAsync(olga, "acme", "core", default)).IsSuccess);
        Assert.True((await orgs.AddTeamMemberAsync(olga, "acme", "core", "mia", default)).IsSuccess);

        var olgaToken = await TokenOfAsync("olga");
        await PublishOkAsync("acme-lib", "1.0.0", olgaToken);
        await PublishOkAsync("acme-secret", "1.0.0", olgaToken);
        var owners = Services.GetRequiredService<Core.Crates.OwnerService>();
        // An administrator adds dora at once (an owner adding a user only invites them).
        var admin = Principal.ForSession((await repo.FindByNameAsync("admin", default))!);
        Assert.True((await owners.AddAsync("acme-lib", ["org:acme"], olga, default)).IsSuccess);
        Assert.True((await owners.AddAsync("acme-lib", ["dora"], admin, default)).IsSuccess);
        Assert.True((await owners.AddAsync("acme-secret", ["org:acme:core"], olga, default)).IsSuccess);
        Assert.True((await owners.SetRestrictedAsync("acme-secret", true, olga, default)).IsSuccess);
        foreach (var name in new[] { "acme-lib", "acme-secret" })
        {
            var docs = await Docs.DocsUploadTests.UploadAsync(App, name, "1.0.0", DocsArchiveBuilder.Rustdoc(name).Zip(), olgaToken);
            Assert.True(docs.IsSuccessStatusCode, await docs.Content.ReadAsStringAsync());
        }
        var dora = (await repo.FindByNameAsync("dora", default))!;
        await repo.UpdateFlagsAsync(dora.Id, new UserFlags(IsDisabled: true), default);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>A fresh credential of the kind the column names (null = anonymous).</summary>
    public async Task<string?> CredentialAsync(string caller)
    {
        var users = Services.GetRequiredService<UserService>();
        switch (caller)
        {
            case "anonymous": return null;
            case "read-only": return await TokenOfAsync("reader");
            case "member": return await TokenOfAsync("mia");
            case "contributor": return await TokenOfAsync("cole");
            case "owner": return await TokenOfAsync("olga");
            case "admin": return await TokenOfAsync("admin");
            case "disabled": return await TokenOfAsync("dora");
            case "expired":
                return (await users.CreateTokenAsync("olga", "expired", DateTimeOffset.UtcNow.AddMinutes(-1), TokenScopes.Unrestricted, default)).Value!.Secret;
            case "revoked":
                var revoked = (await users.CreateTokenAsync("olga", "revoked", null, TokenScopes.Unrestricted, default)).Value!;
                await Services.GetRequiredService<ITokenRepository>().RevokeAsync(revoked.Record.Id, DateTimeOffset.UtcNow, default);
                return revoked.Secret;
            case "wrong-scope":
                return (await users.CreateTokenAsync("olga", "narrow", null, new TokenScopes([TokenScopes.PublishNew], ["unrelated-*"]), default)).Value!.Secret;
            default: throw new ArgumentOutOfRangeException(nameof(caller));
        }
    }

    /// <summary>The request of a row; placeholders in the path get fresh names so cells do not interfere.</summary>
    public async Task<HttpRequestMessage> RequestAsync(AuthorizationMatrixTests.Row row)
    {
        var n = Interlocked.Increment(ref _counter);
        var path = row.Path.Split(' ')[0];
        var request = new HttpRequestMessage(new HttpMethod(row.Method), path);
        if (row.Path.EndsWith("{new crate}", StringComparison.Ordinal)) request.Content = Publish($"matrix-new-{n}", "1.0.0");
        else if (row.Path.EndsWith("{docs}", StringComparison.Ordinal)) request.Content = new ByteArrayContent(DocsArchiveBuilder.Rustdoc("acme-lib").Zip());
        else if (row.Path.EndsWith("{acme-lib update}", StringComparison.Ordinal)) request.Content = Publish("acme-lib", $"1.1.{n}");
        else if (path == "/api/v1/admin/users" && row.Method == "POST") request.Content = JsonContent.Create(new { username = $"made-{n}" });
        else if (row.Path.EndsWith("{unique}", StringComparison.Ordinal)) request.Content = JsonContent.Create(new { name = $"team-{n}" });
        else if (row.Path.EndsWith("{new user}", StringComparison.Ordinal))
        {
            Assert.True((await Services.GetRequiredService<UserService>().CreateUserAsync($"invitee-{n}", null, false, default)).IsSuccess);
            request.Content = JsonContent.Create(new { user = $"invitee-{n}", role = "member" });
        }
        else if (row.Path.EndsWith("{olga's org}", StringComparison.Ordinal))
        {
            // Arrange: an organization of olga's that this cell may delete.
            var olga = Principal.ForSession((await Services.GetRequiredService<IUserRepository>().FindByNameAsync("olga", default))!);
            Assert.True((await Services.GetRequiredService<OrganizationService>().CreateAsync(olga, $"doomed-{n}", default)).IsSuccess);
            request = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/orgs/doomed-{n}");
        }
        else if (row.Path.EndsWith("{doomed crate}", StringComparison.Ordinal) || row.Path.EndsWith("{doomed version}", StringComparison.Ordinal))
        {
            // Arrange: a crate of olga's, also owned by org:acme, that this cell may delete (or one version of it).
            var olga = Principal.ForSession((await Services.GetRequiredService<IUserRepository>().FindByNameAsync("olga", default))!);
            await PublishOkAsync($"doomed-{n}", "1.0.0", await TokenOfAsync("olga"));
            Assert.True((await Services.GetRequiredService<Core.Crates.OwnerService>().AddAsync($"doomed-{n}", ["org:acme"], olga, default)).IsSuccess);
            request = new HttpRequestMessage(HttpMethod.Delete, row.Path.EndsWith("{doomed crate}", StringComparison.Ordinal) ? $"/api/v1/crates/doomed-{n}" : $"/api/v1/crates/doomed-{n}/1.0.0");
        }
        else if (row.Path.EndsWith("{transfer}", StringComparison.Ordinal))
        {
            // Arrange: a crate of olga's only, that this cell may hand to acme.
            await PublishOkAsync($"moving-{n}", "1.0.0", await TokenOfAsync("olga"));
            request.Content = JsonContent.Create(new { crate = $"moving-{n}" });
        }
        else if (path == "/api/v1/orgs") request.Content = JsonContent.Create(new { name = $"org-{n}" });
        else if (row.Body is not null) request.Content = new StringContent(row.Body, System.Text.Encoding.UTF8, "application/json");

        if (row.Method == "DELETE" && path == "/api/v1/crates/acme-lib/owner_invitations/helper")
        {
            // Arrange: helper has an open invitation from olga before each revocation attempt (helper owns nothing
            // at that moment: the owners row below re-adds and removes it around its own cells).
            var olga = Principal.ForSession((await Services.GetRequiredService<IUserRepository>().FindByNameAsync("olga", default))!);
            var crate = (await Services.GetRequiredService<Core.Crates.ICrateRepository>().FindAsync("acme-lib", default))!;
            var helper = (await Services.GetRequiredService<IUserRepository>().FindByNameAsync("helper", default))!;
            await Services.GetRequiredService<Core.Crates.IOwnerInvitationRepository>().InviteAsync(crate.Id, helper.Id, olga.UserId, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(30), default);
        }
        if (row.Method == "DELETE" && path == "/api/v1/crates/acme-lib/owners")
        {
            // Arrange: helper owns the crate before each removal attempt.
            var admin = Principal.ForSession((await Services.GetRequiredService<IUserRepository>().FindByNameAsync("admin", default))!);
            Assert.True((await Services.GetRequiredService<Core.Crates.OwnerService>().AddAsync("acme-lib", ["helper"], admin, default)).IsSuccess);
        }
        return request;
    }

    private static ByteArrayContent Publish(string name, string version)
    {
        var content = new ByteArrayContent(CrateFileBuilder.Valid(name, version).PublishBody());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    private async Task<string> TokenOfAsync(string user) =>
        (await Services.GetRequiredService<UserService>().CreateTokenAsync(user, $"matrix-{Interlocked.Increment(ref _counter)}", null, TokenScopes.Unrestricted, default)).Value!.Secret;

    private async Task PublishOkAsync(string name, string version, string token)
    {
        var response = await App.PublishAsync(CrateFileBuilder.Valid(name, version).PublishBody(), token);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
