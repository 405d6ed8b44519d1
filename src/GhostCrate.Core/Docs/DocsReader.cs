using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Storage;
using GhostCrate.Protocol.Crates;
using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Core.Docs;

/// <summary>
/// What /docs serves: a stored file of a version's current docs generation, a redirect (`latest`, the version root),
/// or nothing. Read access follows downloads: a restricted crate (auth-required mode) does not exist for a caller
/// without a grant on it.
/// </summary>
public sealed class DocsReader(ICrateRepository crates, CrateAccess access, IDocsRepository docs, IBlobStore blobs)
{
    public const string Latest = "latest";

    public async Task<DocsLookup> OpenAsync(string crateName, string version, string path, Principal? principal, CancellationToken cancellationToken)
    {
        var crate = await crates.FindAsync(CrateName.Canonicalize(crateName), cancellationToken);
        if (crate is null || !await access.CanReadAsync(crate, principal, cancellationToken)) return DocsLookup.Missing($"crate `{crateName}` does not exist in this registry");

        if (version == Latest)
        {
            var newest = await NewestDocumentedAsync(crate, cancellationToken);
            return newest is null
                ? DocsLookup.Missing($"no version of `{crate.Name}` has docs yet")
                : DocsLookup.RedirectTo(DocsPaths.Version(crate.Name, newest.Version) + path, permanent: false);
        }

        var versionRecord = await crates.FindVersionAsync(crate.CanonicalName, version, cancellationToken);
        if (versionRecord is null) return DocsLookup.Missing($"crate `{crate.Name}` has no version `{version}`");
        var current = await docs.FindAsync(versionRecord.Id, cancellationToken);
        if (current?.Generation is not { } generation) return DocsLookup.Missing($"`{crate.Name}` {version} has no docs yet");

        var file = path.Length == 0 || path.EndsWith('/') ? path + "index.html" : path;
        var content = await blobs.OpenReadAsync(BlobKey.DocsFile(crate.Name, versionRecord.Version, generation, file), cancellationToken);
        if (content is null)
        {
            // rustdoc writes no top-level index.html (without --enable-index-page): the library's own page is the start.
            return path.Length == 0
                ? DocsLookup.RedirectTo(DocsPaths.LibIndex(crate.Name, versionRecord.Version), permanent: false)
                : DocsLookup.Missing($"`{crate.Name}` {version} has no docs page `{path}`");
        }
        return DocsLookup.Found(new DocsFileContent(content, DocsContentTypes.For(file), $"\"{generation}\"", versionRecord.Yanked));
    }

    /// <summary>A crate's versions, newest first, each with its docs row (null: no docs, no build), or null for no such crate.</summary>
    public async Task<DocsListing?> ListAsync(string crateName, Principal? principal, CancellationToken cancellationToken)
    {
        var crate = await crates.FindAsync(CrateName.Canonicalize(crateName), cancellationToken);
        if (crate is null || !await access.CanReadAsync(crate, principal, cancellationToken)) return null;
        var byVersion = (await docs.ListForCrateAsync(crate.Id, cancellationToken)).ToDictionary(d => d.VersionId);
        var versions = (await crates.ListVersionsAsync(crate.Id, cancellationToken))
            .OrderByDescending(v => SemVersion.TryParse(v.Version, out var parsed) ? parsed : null)
            .Select(v => new DocsListingVersion(v, byVersion.GetValueOrDefault(v.Id)))
            .ToList();
        return new DocsListing(crate, versions);
    }

    /// <summary>The newest version that is not yanked and has docs (SemVer order, pre-releases only when nothing else has docs).</summary>
    public async Task<Crates.VersionRecord?> NewestDocumentedAsync(CrateRecord crate, CancellationToken cancellationToken)
    {
        var documented = (await docs.ListForCrateAsync(crate.Id, cancellationToken)).Where(d => d.Generation is not null).Select(d => d.VersionId).ToHashSet();
        var candidates = (await crates.ListVersionsAsync(crate.Id, cancellationToken))
            .Where(v => !v.Yanked && documented.Contains(v.Id) && SemVersion.TryParse(v.Version, out _))
            .OrderByDescending(v => SemVersion.Parse(v.Version).IsPrerelease ? 0 : 1)
            .ThenByDescending(v => SemVersion.Parse(v.Version))
            .ToList();
        return candidates.FirstOrDefault();
    }
}

/// <summary>A docs file to send: its bytes, Content-Type, ETag (the generation: a new upload changes it) and whether the version is yanked.</summary>
public sealed record DocsFileContent(BlobContent Content, string ContentType, string ETag, bool Yanked);

public sealed record DocsLookup(DocsFileContent? File, string? Redirect, bool Permanent, string? Problem)
{
    public static DocsLookup Found(DocsFileContent file) => new(file, null, false, null);
    public static DocsLookup RedirectTo(string location, bool permanent) => new(null, location, permanent, null);
    public static DocsLookup Missing(string problem) => new(null, null, false, problem);
}

public sealed record DocsListingVersion(Crates.VersionRecord Version, VersionDocs? Docs)
{
    public bool HasDocs => Docs?.Generation is not null;
}

public sealed record DocsListing(CrateRecord Crate, IReadOnlyList<DocsListingVersion> Versions);
