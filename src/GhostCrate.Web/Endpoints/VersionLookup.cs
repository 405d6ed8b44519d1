using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Protocol.Crates;
using GhostCrate.Protocol.Versioning;
using GhostCrate.Web.Http;
using Microsoft.AspNetCore.Http;

using CargoError = Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<GhostCrate.Protocol.Api.CargoErrorResponse>;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// The version a read route under /api/v1/crates/{name}/{version} names, matched like cargo matches versions (build
/// metadata ignored), or the Cargo error to answer: a crate the caller may not read is "not found", so its name does
/// not leak.
/// </summary>
internal static class VersionLookup
{
    public static async Task<(CrateRecord? Crate, VersionRecord? Version, CargoError? Error)> FindAsync(
        string name, string version, Principal? caller, ICrateRepository crates, CrateAccess access, CancellationToken cancellationToken)
    {
        var crate = name.Length <= CrateName.MaxLength && name.All(CrateName.IsNameChar) ? await crates.FindAsync(CrateName.Canonicalize(name), cancellationToken) : null;
        if (crate is null || !await access.CanReadAsync(crate, caller, cancellationToken))
            return (null, null, CargoResults.Error(StatusCodes.Status404NotFound, $"crate `{name}` does not exist in this registry"));
        var key = SemVersion.TryParse(version, out var parsed) ? parsed.Key : version;
        var row = (await crates.ListVersionsAsync(crate.Id, cancellationToken)).FirstOrDefault(v => SemVersion.TryParse(v.Version, out var s) && s.Key == key);
        return row is null
            ? (crate, null, CargoResults.Error(StatusCodes.Status404NotFound, $"crate `{crate.Name}` has no version `{version}` in this registry"))
            : (crate, row, null);
    }
}
