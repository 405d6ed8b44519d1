using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Index;
using GhostCrate.Core.Options;
using GhostCrate.Core.Storage;
using GhostCrate.Packaging;
using GhostCrate.Protocol.Crates;
using GhostCrate.Protocol.Index;
using GhostCrate.Protocol.Publishing;
using GhostCrate.Protocol.Versioning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Publishing;

/// <summary>
/// `cargo publish` (https://doc.rust-lang.org/cargo/reference/registry-web-api.html#publish), validated as crates.io
/// does. Crash safety: everything is checked before anything is written; the blob is written inside the database
/// transaction that inserts the version row, so a failure at any step leaves neither, and a retry is harmless.
/// </summary>
public sealed class PublishService(
    ICrateRepository crates,
    IBlobStore blobs,
    IOptions<RegistryOptions> options,
    TimeProvider time,
    ILogger<PublishService> logger,
    Audit.AuditLog audit,
    IEnumerable<IPublishNameGuard> nameGuards,
    CrateAccess access,
    Advisories.AdvisoryService advisories,
    SparseIndexService index,
    IOptions<ContentCheckOptions> contentChecks,
    Typosquats.TyposquatService typosquats,
    Licenses.LicenseService licenses,
    Holds.HoldService holds)
{
    private const int MaxKeywords = 5;
    private const int MaxKeywordLength = 20;
    private const int MaxCategories = 5;
    private const int MaxFeatures = 300;

    public async Task<Result<PublishReceipt>> PublishAsync(Stream body, Principal principal, CancellationToken cancellationToken)
    {
        var result = await PublishCheckedAsync(body, principal, cancellationToken);
        Operations.GhostCrateMetrics.Published(result.Error);
        return result;
    }

    private async Task<Result<PublishReceipt>> PublishCheckedAsync(Stream body, Principal principal, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var read = await PublishBodyReader.ReadAsync(body, settings.MaxMetadataSizeBytes, settings.MaxCrateSizeBytes, cancellationToken);
        if (read.Error is { } framing)
        {
            return framing.Kind is PublishBodyErrorKind.CrateTooLarge or PublishBodyErrorKind.MetadataTooLarge
                ? RegistryError.TooLarge(framing.Message)
                : RegistryError.BadRequest(framing.Message);
        }
        var meta = read.Metadata!;
        var crateFile = read.CrateFile;

        if (ValidateMetadata(meta, settings) is { } invalid) return invalid;
        var version = SemVersion.Parse(meta.Vers);
        var canonical = CrateName.Canonicalize(meta.Name);

        if (Guards.RequireWriter(principal) is { } readOnly) return readOnly;
        var existing = await crates.FindAsync(canonical, cancellationToken);
        var scope = existing is null ? TokenScopes.PublishNew : TokenScopes.PublishUpdate;
        if (Guards.RequireEndpointScope(principal, scope, existing is null ? $"publish the new crate `{meta.Name}`" : $"publish new versions of `{existing.Name}`") is { } missingScope)
        {
            return missingScope;
        }
        if (!principal.Scopes.AllowsCrate(meta.Name))
        {
            return RegistryError.Forbidden($"this token is limited to the crates {string.Join(", ", principal.Scopes.Crates!)} and may not publish `{meta.Name}`");
        }

        var publisherAuthorized = false;
        if (existing is not null)
        {
            // Restricted crates stay invisible to those who may not read them, even through publish errors.
            if (!await access.CanReadAsync(existing, principal, cancellationToken))
                return RegistryError.Forbidden($"the crate name `{meta.Name}` is taken; choose another name");
            var grants = principal.IsAdmin ? Organizations.CrateGrants.None : await access.GrantsAsync(existing, principal.UserId, cancellationToken);
            if (!Organizations.CratePermissions.Allows(grants, Organizations.CrateAction.PublishUpdate, principal.IsAdmin))
                return RegistryError.Forbidden($"you are not an owner of crate `{existing.Name}`; ask one of its owners to run `cargo owner --add {principal.Username} {existing.Name}`");
            publisherAuthorized = true;
        }

        if (await CheckDependenciesExistAsync(meta, cancellationToken) is { } missing) return missing;
        IReadOnlyList<Typosquats.TyposquatMatch> similar = [];
        if (existing is null)
        {
            foreach (var guard in nameGuards)
            {
                if (await guard.CheckNewCrateAsync(meta.Name, cancellationToken) is { } refused) return refused;
            }
            // Only a crate's first publish: later versions keep the name it was given (docs/security.md "Typosquats").
            similar = await typosquats.FindAsync(meta.Name, cancellationToken);
        }

        // The licence is checked with the other metadata, before the tarball is unpacked or anything is written.
        var licenseCheck = await licenses.CheckPublishAsync(meta.Name, meta.License, existing, cancellationToken);
        if (licenseCheck.Error is { } licenseRefused) return licenseRefused;

        var tarball = CrateTarballValidator.Validate(crateFile, meta.Name, meta.Vers, new TarballLimits(settings.MaxUnpackedSizeBytes, settings.MaxTarballEntries)
        {
            LargeFileBytes = contentChecks.Value.LargeFileBytes,
        });
        if (tarball.Error is { } bad) return RegistryError.BadRequest($"the uploaded .crate file was rejected: {bad.Message}");

        var checksum = Convert.ToHexStringLower(SHA256.HashData(crateFile.Span));
        var now = time.GetUtcNow();
        var entry = IndexEntryFactory.FromPublish(meta, checksum, now);
        var categories = SplitCategories(meta.Categories);
        // Decided before the write, so the held state commits with the version (docs/security.md "Approval hold").
        var holdReason = holds.ReasonFor(tarball.Info?.ContentFlags, similar);
        var record = new NewCrateVersion(
            Name: meta.Name,
            CanonicalName: canonical,
            Version: meta.Vers,
            VersionKey: version.Key,
            Checksum: checksum,
            Size: crateFile.Length,
            PublisherId: principal.UserId,
            PublishedAt: now,
            IndexJson: IndexLineWriter.Serialize(entry),
            MetadataJson: JsonSerializer.Serialize(meta with { Readme = null }),
            Description: meta.Description,
            License: meta.License,
            Readme: tarball.Info?.Readme ?? meta.Readme,
            SearchText: SearchText(meta, categories.Known),
            Dependencies: meta.Deps.Select(d => new NewDependency(d.Name, d.VersionReq, d.Kind, d.Optional, d.Registry, d.Target)).ToList(),
            PublisherAuthorized: publisherAuthorized,
            Edition: tarball.Info?.Edition,
            Targets: tarball.Info is { } info ? new CrateTargets(info.HasLibrary, info.Binaries) : null,
            Keywords: meta.Keywords.Select(k => k.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList(),
            Categories: categories.Known,
            ContentFlags: tarball.Info?.ContentFlags,
            SimilarCrates: [.. similar.Select(s => new Notifications.SimilarCrate(s.Existing, Typosquats.TyposquatNames.RuleName(s.Rule), s.Popular))],
            LicenseInfo: licenseCheck.Value!.License,
            HoldReason: holdReason,
            PublisherIsAdmin: principal.IsAdmin);

        var key = BlobKey.CrateFile(meta.Name, meta.Vers);
        // Set before the put: a put that fails may still have written (an S3 PUT whose response was lost).
        var blobAttempted = false;
        PublishWriteResult write;
        try
        {
            write = await crates.PublishAsync(record, async ct =>
            {
                // Overwrite is safe here: we hold the crate's write lock and no row refers to this key, so anything
                // already there is the leftover of an interrupted publish of this very version.
                // The request body is already in memory: read the .crate from it rather than copying it again.
                await using var content = MemoryMarshal.TryGetArray(crateFile, out var segment)
                    ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                    : new MemoryStream(crateFile.ToArray(), writable: false);
                blobAttempted = true;
                await blobs.PutAsync(key, content, BlobPutMode.Overwrite, ct);
            }, cancellationToken);
        }
        catch
        {
            if (blobAttempted) await RemoveOrphanAsync(key, canonical, meta.Vers);
            throw;
        }
        finally
        {
            // Whatever the outcome (a commit may have succeeded and still reported an error), this node must not go on
            // serving an index file rendered before this write.
            index.Invalidate(canonical);
        }

        switch (write.Status)
        {
            case PublishWriteStatus.NotOwner:
                return RegistryError.Forbidden($"you are not an owner of crate `{meta.Name}`; ask one of its owners to run `cargo owner --add {principal.Username} {meta.Name}`");
            case PublishWriteStatus.VersionExists:
                return RegistryError.Conflict($"crate version `{meta.Name}@{write.ExistingVersion ?? meta.Vers}` already exists; versions are immutable, bump the version in Cargo.toml and publish again");
            case PublishWriteStatus.Tombstoned:
            case PublishWriteStatus.NameReserved:
                return RegistryError.Conflict(write.Detail!);
            case PublishWriteStatus.NameConflict:
                return RegistryError.Conflict($"crate `{meta.Name}` conflicts with the existing crate `{write.ExistingName}` ('-' and '_' and letter case are not significant in crate names); publish under `{write.ExistingName}` or choose another name");
        }

        logger.LogInformation("Published {Crate} {Version} by {User} ({Size} bytes, new crate: {CrateCreated}, held: {Held})", meta.Name, meta.Vers, principal.Username, crateFile.Length, write.CrateCreated, holdReason is not null);
        // Findings are derived data: a new version of a crate with advisories is flagged now, not at the next sync.
        // Not cancelled with the request: the version is committed, and a client hanging up must not skip the findings.
        await advisories.OnVersionStoredAsync(meta.Name, CancellationToken.None);
        var details = new Dictionary<string, string?>
        {
            ["checksum"] = checksum,
            ["new_crate"] = write.CrateCreated ? "true" : "false",
        };
        // For administrators: every close name, restricted ones included (docs/security.md "Typosquats").
        if (write.CrateCreated && similar.Count > 0) details["similar_to"] = string.Join(", ", similar.Select(s => s.Existing));
        if (holdReason is not null) details["held"] = holdReason;
        await audit.RecordAsync(principal, Audit.AuditActions.CratePublished, $"crate:{meta.Name}@{meta.Vers}", details, cancellationToken);
        // A racing first publish of the same name may have created the crate: then this one was not the first.
        var warnings = new List<string>(licenseCheck.Value.Warnings);
        var held = holdReason is null ? null : Holds.HoldService.Warning(meta.Name, meta.Vers, holdReason);
        if (held is not null) warnings.Add(held);
        if (write.CrateCreated && similar.Count > 0)
        {
            warnings.AddRange(await TyposquatWarningsAsync(meta.Name, similar, principal, cancellationToken));
            logger.LogWarning("New crate {Crate} resembles {Similar}", meta.Name, string.Join(", ", similar.Select(s => s.Existing)));
        }
        return Result<PublishReceipt>.Ok(new PublishReceipt(meta.Name, meta.Vers, checksum, write.CrateCreated, warnings) { InvalidCategories = categories.Invalid, Held = held });
    }

    /// <summary>
    /// The publisher is only told about crates it may read: a restricted crate stays invisible to outsiders, even
    /// through a warning (the administrators' event names every match).
    /// </summary>
    private async Task<List<string>> TyposquatWarningsAsync(string name, IReadOnlyList<Typosquats.TyposquatMatch> similar, Principal principal, CancellationToken cancellationToken)
    {
        var warnings = new List<string>();
        foreach (var match in similar)
        {
            if (!match.Popular && (await crates.FindAsync(CrateName.Canonicalize(match.Existing), cancellationToken) is not { } crate
                || !await access.CanReadAsync(crate, principal, cancellationToken)))
                continue;
            warnings.Add(Typosquats.TyposquatService.Warning(name, match));
        }
        return warnings;
    }

    private RegistryError? ValidateMetadata(PublishMetadata meta, RegistryOptions settings)
    {
        var name = CrateName.Validate(meta.Name, settings.ReservedNames);
        if (!name.IsValid) return RegistryError.BadRequest(name.Error!);
        if (!SemVersion.TryParse(meta.Vers, out _))
        {
            return RegistryError.BadRequest($"invalid version `{meta.Vers}` of crate `{meta.Name}`: versions must be SemVer (MAJOR.MINOR.PATCH, e.g. 1.0.0)");
        }
        if (meta.Keywords.Count > MaxKeywords) return RegistryError.BadRequest($"expected at most {MaxKeywords} keywords per crate, found {meta.Keywords.Count}");
        foreach (var keyword in meta.Keywords)
        {
            if (keyword.Length is 0 or > MaxKeywordLength || !char.IsAsciiLetterOrDigit(keyword[0]) || !keyword.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '+'))
            {
                return RegistryError.BadRequest($"invalid keyword `{keyword}`: keywords are at most {MaxKeywordLength} ASCII letters, digits, '-', '_' or '+' and start with a letter or digit");
            }
        }
        if (meta.Categories.Count > MaxCategories) return RegistryError.BadRequest($"expected at most {MaxCategories} categories per crate, found {meta.Categories.Count}");
        if (meta.Features.Count > MaxFeatures) return RegistryError.BadRequest($"crates may declare at most {MaxFeatures} features, found {meta.Features.Count}");
        foreach (var feature in meta.Features.Keys)
        {
            if (feature.Length == 0 || !feature.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '+' or '.'))
            {
                return RegistryError.BadRequest($"invalid feature name `{feature}`: feature names may contain ASCII letters, digits, '-', '_', '+' and '.'");
            }
        }

        foreach (var dep in meta.Deps)
        {
            var depName = CrateName.Validate(dep.Name);
            if (!depName.IsValid) return RegistryError.BadRequest($"invalid dependency name `{dep.Name}`: {depName.Error}");
            if (dep.ExplicitNameInToml is { } rename && !CrateName.Validate(rename).IsValid)
            {
                return RegistryError.BadRequest($"invalid renamed dependency `{rename}` (package `{dep.Name}`)");
            }
            if (!VersionReq.TryParse(dep.VersionReq, out _))
            {
                return RegistryError.BadRequest($"dependency `{dep.Name}` has an invalid version requirement `{dep.VersionReq}`");
            }
            if (dep.VersionReq.Trim() == "*")
            {
                // crates.io refuses wildcard requirements: they break every dependent on the next major release.
                return RegistryError.BadRequest($"wildcard (`*`) dependency constraints are not allowed; give `{dep.Name}` a version requirement such as \"1\"");
            }
            if (dep.Kind is not ("normal" or "dev" or "build"))
            {
                return RegistryError.BadRequest($"dependency `{dep.Name}` has an unknown kind `{dep.Kind}`");
            }
            if (dep.Registry is { } registry && !DependencyRegistries.IsAllowed(registry, settings.AllowedDependencyRegistries, settings.AllowAnyDependencyRegistry))
            {
                return RegistryError.BadRequest($"dependency `{dep.Name}` comes from the registry `{registry}`, which this registry does not accept; depend on crates from this registry or crates.io, or ask an administrator to add it to Registry:AllowedDependencyRegistries");
            }
        }
        return null;
    }

    /// <summary>Dependencies on this registry must resolve here, or every consumer's build would fail (crates.io checks this too).</summary>
    private async Task<RegistryError?> CheckDependenciesExistAsync(PublishMetadata meta, CancellationToken cancellationToken)
    {
        foreach (var name in meta.Deps.Where(d => d.Registry is null).Select(d => d.Name).Distinct(StringComparer.Ordinal))
        {
            var dep = await crates.FindAsync(CrateName.Canonicalize(name), cancellationToken);
            if (dep is null)
            {
                return RegistryError.BadRequest($"no crate named `{name}` exists in this registry; publish `{name}` first, or mark the dependency with `registry = \"crates-io\"` if it comes from crates.io");
            }
        }
        return null;
    }

    private static string SearchText(PublishMetadata meta, IReadOnlyList<string> categories) => CrateText.SearchTextOf(meta, categories);

    /// <summary>crates.io's rule: known slugs are kept (as the list spells them), unknown ones become a warning.</summary>
    private static (IReadOnlyList<string> Known, IReadOnlyList<string> Invalid) SplitCategories(IReadOnlyList<string> declared)
    {
        var known = new List<string>();
        var invalid = new List<string>();
        foreach (var slug in declared)
        {
            if (Search.CrateCategories.Find(slug) is { } category) { if (!known.Contains(category.Slug)) known.Add(category.Slug); }
            else invalid.Add(slug);
        }
        return (known, invalid);
    }

    /// <summary>
    /// The transaction failed after the blob was written. Delete it unless the row exists after all (a commit that
    /// succeeded but reported an error): then the blob is the one the row refers to and must stay.
    /// </summary>
    private async Task RemoveOrphanAsync(BlobKey key, string canonical, string version)
    {
        try
        {
            // A held version is not found by FindVersionAsync, yet its row refers to the blob all the same.
            if (await crates.FindVersionAsync(canonical, version, CancellationToken.None) is null
                && !await holds.IsHeldAsync(canonical, version, CancellationToken.None))
            {
                await blobs.DeleteAsync(key, CancellationToken.None);
            }
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not remove the blob {BlobKey} of a failed publish; it has no database row and will be overwritten by a retry", key.Path);
        }
    }
}
