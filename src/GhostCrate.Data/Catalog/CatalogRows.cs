using GhostCrate.Core.Catalog;

namespace GhostCrate.Data.Catalog;

internal sealed class CountsRow
{
    public long Crates { get; set; }
    public long Versions { get; set; }
    public long Downloads { get; set; }
    public long CrateFileBytes { get; set; }
}

internal sealed class VersionSummaryRow
{
    public long Id { get; set; }
    public string Version { get; set; } = "";
    public long Yanked { get; set; }
    public long Downloads { get; set; }
    public long Size { get; set; }
    public string? License { get; set; }
    public long CreatedAt { get; set; }
    public string? PublishedBy { get; set; }

    public VersionSummary ToRecord() => new(Id, Version, Yanked != 0, Downloads, Size, License, UnixTime.FromMs(CreatedAt), PublishedBy);
}

internal sealed class ReverseDependencyRow
{
    public string Name { get; set; } = "";
    public string? MaxVersion { get; set; }
    public string? Description { get; set; }
    public long Downloads { get; set; }
    public string Req { get; set; } = "";
    public long KindRank { get; set; }
    public long Optional { get; set; }

    public ReverseDependency ToRecord() =>
        new(Name, MaxVersion, Description, Downloads, Req, KindRank switch { 0 => "normal", 1 => "build", _ => "dev" }, Optional != 0);
}
