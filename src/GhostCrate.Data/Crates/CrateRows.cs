using GhostCrate.Core.Crates;

namespace GhostCrate.Data.Crates;

// Dapper targets: column types as stored (Unix ms, 0/1), converted to the Core records in one place.
// Columns are aliased to these property names in the SELECTs, so no global Dapper naming setting is needed.

internal sealed class CrateRow
{
    public const string Columns =
        "id AS Id, name AS Name, canonical_name AS CanonicalName, description AS Description, max_version AS MaxVersion, " +
        "downloads AS Downloads, created_at AS CreatedAt, updated_at AS UpdatedAt";

    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string CanonicalName { get; set; } = "";
    public string? Description { get; set; }
    public string? MaxVersion { get; set; }
    public long Downloads { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }

    public CrateRecord ToRecord() =>
        new(Id, Name, CanonicalName, Description, MaxVersion, Downloads, UnixTime.FromMs(CreatedAt), UnixTime.FromMs(UpdatedAt));
}

internal sealed class CrateNameRow
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
}

internal sealed class VersionRow
{
    public const string Columns =
        "v.id AS Id, v.crate_id AS CrateId, v.num AS Num, v.checksum AS Checksum, v.size AS Size, v.yanked AS Yanked, " +
        "v.downloads AS Downloads, v.published_by AS PublishedBy, v.created_at AS CreatedAt, v.index_json AS IndexJson, " +
        "v.metadata_json AS MetadataJson, v.license AS License, v.readme AS Readme, v.edition AS Edition, v.targets AS Targets, v.yank_message AS YankMessage";

    public long Id { get; set; }
    public long CrateId { get; set; }
    public string Num { get; set; } = "";
    public string Checksum { get; set; } = "";
    public long Size { get; set; }
    public long Yanked { get; set; }
    public long Downloads { get; set; }
    public long? PublishedBy { get; set; }
    public long CreatedAt { get; set; }
    public string IndexJson { get; set; } = "";
    public string MetadataJson { get; set; } = "";
    public string? License { get; set; }
    public string? Readme { get; set; }
    public string? Edition { get; set; }
    public string? Targets { get; set; }
    public string? YankMessage { get; set; }

    public VersionRecord ToRecord() =>
        new(Id, CrateId, Num, Checksum, Size, Yanked != 0, Downloads, PublishedBy, UnixTime.FromMs(CreatedAt), IndexJson, MetadataJson, License, Readme,
            Edition, ReadTargets(Targets), YankMessage);

    /// <summary>Written by our publish; anything else (a hand-edited row) counts as not recorded.</summary>
    private static CrateTargets? ReadTargets(string? json)
    {
        if (json is null) return null;
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<CrateTargets>(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

internal sealed class IndexSourceRow
{
    public string Name { get; set; } = "";
    public long UpdatedAt { get; set; }
    public string? IndexJson { get; set; }
    public long? Yanked { get; set; }
}

internal sealed class DownloadTargetRow
{
    public long VersionId { get; set; }
    public string CrateName { get; set; } = "";
    public string Version { get; set; } = "";
    public string Checksum { get; set; } = "";
    public long Size { get; set; }
}

internal sealed class SearchHitRow
{
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string? MaxVersion { get; set; }
    public long Downloads { get; set; }
    public long UpdatedAt { get; set; }
    /// <summary>count(*) OVER (): every match, whatever the page.</summary>
    public long Total { get; set; }

    public CrateSearchHit ToRecord() => new(Name, Description, MaxVersion, Downloads, UnixTime.FromMs(UpdatedAt));
}

/// <summary>What <see cref="MaxVersion"/> needs of each version.</summary>
internal sealed class VersionStateRow
{
    public string Num { get; set; } = "";
    public long Yanked { get; set; }
}
