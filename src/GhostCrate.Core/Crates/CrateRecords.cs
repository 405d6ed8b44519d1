namespace GhostCrate.Core.Crates;

/// <summary>A crate row. <see cref="CanonicalName"/> is lowercase with '-' for '_' (one crate per canonical name).</summary>
public sealed record CrateRecord(
    long Id,
    string Name,
    string CanonicalName,
    string? Description,
    string? MaxVersion,
    long Downloads,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A published version. <see cref="IndexJson"/> is the index line as published (with yanked=false);
/// the index file is rendered from it plus <see cref="Yanked"/>.</summary>
public sealed record VersionRecord(
    long Id,
    long CrateId,
    string Version,
    string Checksum,
    long Size,
    bool Yanked,
    long Downloads,
    long? PublishedBy,
    DateTimeOffset CreatedAt,
    string IndexJson,
    string MetadataJson,
    string? License,
    string? Readme,
    /// <summary>`package.edition` of the published manifest; null for versions published before it was recorded.</summary>
    string? Edition = null,
    /// <summary>The library and binary targets of the published .crate; null when not recorded.</summary>
    CrateTargets? Targets = null,
    /// <summary>The reason given when the version was yanked from the web UI; null otherwise.</summary>
    string? YankMessage = null);

/// <summary>
/// What a version builds: a library (what `cargo add` depends on) and binaries (what `cargo install` installs),
/// https://doc.rust-lang.org/cargo/reference/cargo-targets.html.
/// </summary>
public sealed record CrateTargets(
    [property: System.Text.Json.Serialization.JsonPropertyName("lib")] bool Library,
    [property: System.Text.Json.Serialization.JsonPropertyName("bins")] IReadOnlyList<string> Binaries);

/// <summary>What the data layer stores for one publish. Computed entirely by Core.</summary>
public sealed record NewCrateVersion(
    string Name,
    string CanonicalName,
    string Version,
    /// <summary>The version without build metadata; unique per crate (1.0.0+a and 1.0.0+b are the same release).</summary>
    string VersionKey,
    string Checksum,
    long Size,
    long PublisherId,
    DateTimeOffset PublishedAt,
    string IndexJson,
    string MetadataJson,
    string? Description,
    string? License,
    string? Readme,
    /// <summary>Lowercase text the search matches against (name, description, keywords, categories).</summary>
    string SearchText,
    IReadOnlyList<NewDependency> Dependencies,
    /// <summary>
    /// Core has already established that the publisher may publish a new version of an existing crate through an
    /// organization or team (or as an administrator); the store then skips its direct-owner check.
    /// </summary>
    bool PublisherAuthorized = false,
    /// <summary>`package.edition` from the .crate's manifest.</summary>
    string? Edition = null,
    /// <summary>The targets found in the .crate (declared or discovered), for `cargo add`/`cargo install` on the crate page.</summary>
    CrateTargets? Targets = null,
    /// <summary>Lowercase keywords and known category slugs of this publish; the crate's lists follow the latest publish.</summary>
    IReadOnlyList<string>? Keywords = null,
    IReadOnlyList<string>? Categories = null,
    /// <summary>What the .crate's content check found (docs/security.md "Content flags"); stored with the version.</summary>
    IReadOnlyList<Packaging.Content.ContentFlag>? ContentFlags = null,
    /// <summary>Names a new crate resembles (docs/security.md "Typosquats"): a crate.typosquat_suspected event goes out with the publish.</summary>
    IReadOnlyList<Notifications.SimilarCrate>? SimilarCrates = null,
    /// <summary>The parsed licence (Core/Licenses), stored with the version in the same transaction.</summary>
    Licenses.VersionLicense? LicenseInfo = null,
    /// <summary>
    /// Not null: the version is held for an administrator's approval (docs/security.md "Approval hold"), stored but left
    /// out of the index file and every reader until approved; a version.held event goes out instead of crate.published.
    /// </summary>
    string? HoldReason = null,
    /// <summary>An administrator publishes: a deleted crate's reserved name is open to them (docs/security.md).</summary>
    bool PublisherIsAdmin = false);

/// <summary>A dependency row, kept for reverse-dependency queries (the index line is the source of truth for cargo).</summary>
public sealed record NewDependency(string CrateName, string Req, string Kind, bool Optional, string? Registry, string? Target);

public enum PublishWriteStatus
{
    /// <summary>Stored; <see cref="PublishWriteResult.CrateCreated"/> tells whether this was the first version.</summary>
    Published,
    /// <summary>The crate exists and the publisher is not one of its owners.</summary>
    NotOwner,
    /// <summary>A version with the same <see cref="NewCrateVersion.VersionKey"/> exists.</summary>
    VersionExists,
    /// <summary>A crate with the same canonical name but a different spelling exists.</summary>
    NameConflict,
    /// <summary>This name+version was deleted (Core/Deletion): <see cref="PublishWriteResult.Detail"/> says when and why.</summary>
    Tombstoned,
    /// <summary>A crate of this name was deleted and the publisher neither owned it nor is an administrator.</summary>
    NameReserved,
}

/// <summary>Outcome of <see cref="ICrateRepository.PublishAsync"/>; ExistingName/ExistingVersion explain conflicts.</summary>
public sealed record PublishWriteResult(PublishWriteStatus Status, bool CrateCreated = false, string? ExistingName = null, string? ExistingVersion = null, string? Detail = null);

/// <summary>The rows an index file is rendered from.</summary>
public sealed record IndexSource(string Name, DateTimeOffset UpdatedAt, IReadOnlyList<IndexSourceLine> Lines);

public sealed record IndexSourceLine(string IndexJson, bool Yanked);

public sealed record CrateSearchHit(string Name, string? Description, string? MaxVersion, long Downloads, DateTimeOffset UpdatedAt);

public sealed record CrateSearchPage(IReadOnlyList<CrateSearchHit> Crates, long Total);

public sealed record OwnerRecord(long UserId, string Username);

public sealed record DownloadTarget(long VersionId, string CrateName, string Version, string Checksum, long Size);

public sealed record DownloadCount(long VersionId, long Count);
