using System.Text.Json;
using GhostCrate.Core.Advisories;
using GhostCrate.Core.Catalog;
using GhostCrate.Core.Downloads;
using GhostCrate.Web.Ui;
using GhostCrate.Web.Ui.Readme;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Crates;

public sealed class CrateModel(CrateDetailsService details, CatalogService catalog, DownloadStatsService stats, ReadmeRenderer readme, AdvisoryService advisories, Core.Docs.IDocsRepository docs, Core.Crates.CrateAccess access,
    Core.ContentChecks.IContentFlagRepository contentFlags, Ui.Source.CrateSources sources, Core.Holds.HoldService holds, Core.Following.FollowService follows) : UiPageModel
{
    /// <summary>Versions held for approval, shown to the crate's owners and administrators only (docs/security.md "Approval hold").</summary>
    public IReadOnlyList<Core.Holds.HeldVersion> Held { get; private set; } = [];

    public const int DependentsShown = 10;
    private const int ChartVersions = 5;

    public CrateDetails Details { get; private set; } = null!;
    public string? ReadmeHtml { get; private set; }
    public ReverseDependencyPage Dependents { get; private set; } = null!;
    public CrateDownloadStats Downloads { get; private set; } = null!;
    public string ChartJson { get; private set; } = "{}";

    /// <summary>Every stored advisory of the crate (withdrawn ones included, shown as such), newest first.</summary>
    public IReadOnlyList<Advisory> Advisories { get; private set; } = [];

    /// <summary>The advisories that affect the version shown.</summary>
    public IReadOnlyList<Advisory> VersionAdvisories { get; private set; } = [];
    /// <summary>The content flags of the version shown (docs/security.md "Content flags").</summary>
    public IReadOnlyList<Packaging.Content.ContentFlag> ContentFlags { get; private set; } = [];
    /// <summary>The shown version's docs (docs/rustdoc.md), null when it has none.</summary>
    public Core.Docs.VersionDocs? Docs { get; private set; }
    /// <summary>The viewer may yank or change owners (the link to /crates/{name}/manage).</summary>
    public bool CanManage { get; private set; }
    /// <summary>Whether the signed-in viewer follows the crate (the Follow / Unfollow button); null for anonymous viewers.</summary>
    public bool? Following { get; private set; }

    public async Task<IActionResult> OnGetAsync(string name, string? version, CancellationToken cancellationToken)
    {
        var found = await details.GetAsync(name, version, Viewer, cancellationToken);
        if (found is null) return NotFound();
        // One address per crate: /crates/Foo_Bar and /crates/foo-bar lead to the crate's own spelling.
        if (found.Crate.Name != name) return RedirectPermanent(version is null ? $"/crates/{found.Crate.Name}" : $"/crates/{found.Crate.Name}/{Uri.EscapeDataString(version)}");
        Details = found;
        Features = FeatureList.Build(found.Metadata.Features, found.Dependencies);
        var meta = found.Metadata;
        if (!string.IsNullOrWhiteSpace(found.Version.Readme))
        {
            var key = $"{found.Crate.Name}@{found.Version.Version}#{found.Version.Checksum}";
            if (readme.TryGetCached(key, out var cached)) ReadmeHtml = cached;
            else
            {
                // Only on a cache miss: the .crate's file list lets relative images come from the .crate itself.
                var files = await sources.PathsAsync(found, cancellationToken) is { } paths ? new ReadmeCrateFiles(found.Crate.Name, found.Version.Version, paths) : null;
                ReadmeHtml = readme.Render(found.Version.Readme, meta.Repository, meta.ReadmeFile, key, files);
            }
        }
        Dependents = (await catalog.ReverseDependenciesAsync(found.Crate.Name, 1, DependentsShown, Viewer, cancellationToken))!;
        Downloads = (await stats.GetAsync(found.Crate.Name, null, DownloadStatsService.DefaultDays, Viewer, cancellationToken))!;
        ChartJson = BuildChart(Downloads);
        Advisories = await advisories.ForCrateAsync(found.Crate.Name, cancellationToken);
        VersionAdvisories = [.. AdvisoryMatcher.Matching(Advisories, found.Crate.Name, found.Version.Version)];
        Docs = await docs.FindAsync(found.Version.Id, cancellationToken);
        ContentFlags = await contentFlags.ForVersionAsync(Core.ContentChecks.ContentFlagSources.Private,
            Protocol.Crates.CrateName.Canonicalize(found.Crate.Name), found.Version.Version, cancellationToken);
        CanManage = Viewer is { } viewer && (viewer.IsAdmin || (await access.GrantsAsync(found.Crate, viewer.UserId, cancellationToken)) is var grants
            && (Core.Organizations.CratePermissions.Allows(grants, Core.Organizations.CrateAction.Yank, false) || Core.Organizations.CratePermissions.Allows(grants, Core.Organizations.CrateAction.ChangeOwners, false)));
        if (CanManage) Held = await holds.ListForCrateAsync(found.Crate.Name, cancellationToken);
        if (Viewer is { } signedIn) Following = await follows.FollowsCrateAsync(signedIn, found.Crate.Name, cancellationToken);
        return Page();
    }

    /// <summary>Links shown only when they are http(s): a manifest may say anything.</summary>
    public static string? SafeLink(string? url) =>
        url is not null && UrlPolicy.Classify(url, allowMailto: false) is (UrlPolicy.Kind.Absolute, var safe) ? safe : null;

    /// <summary>The advisories that affect one row of the versions table.</summary>
    public IReadOnlyList<Advisory> AdvisoriesOf(string version) =>
        Advisories.Count == 0 ? [] : [.. AdvisoryMatcher.Matching(Advisories, Details.Crate.Name, version)];

    /// <summary>Where an advisory is read: its own URL when it is http(s), else RustSec's page for the id.</summary>
    public static string AdvisoryLink(Advisory advisory) =>
        SafeLink(advisory.Url) is { } url && advisory.Url == url ? url : $"https://rustsec.org/advisories/{Uri.EscapeDataString(advisory.Id)}.html";

    /// <summary>"critical", "high", ..., or the informational kind ("unmaintained") for warnings.</summary>
    public static string AdvisoryKind(Advisory advisory) =>
        advisory.Informational ?? (advisory.Severity is AdvisorySeverity.Unknown or AdvisorySeverity.None ? "vulnerability" : advisory.Severity.ToString().ToLowerInvariant());

    /// <summary>The version's features with what each turns on (dependencies resolved, for links).</summary>
    public IReadOnlyList<FeatureInfo> Features { get; private set; } = [];

    /// <summary>A dependency's page: here for this registry's crates, crates.io's for crates.io ones, none for other registries.</summary>
    public static string? DependencyLink(DependencyInfo dep) => dep.Source switch
    {
        DependencySource.ThisRegistry => $"/crates/{dep.Name}",
        DependencySource.CratesIo => $"https://crates.io/crates/{dep.Name}",
        _ => null,
    };

    public IEnumerable<IGrouping<string, DependencyInfo>> DependencyGroups =>
        Details.Dependencies.GroupBy(d => d.Kind);

    public static string KindTitle(string kind) => kind switch
    {
        "normal" => "Dependencies",
        "build" => "Build dependencies",
        "dev" => "Dev dependencies",
        _ => kind,
    };

    /// <summary>The chart's data: one series per most-downloaded version (the rest summed), one point per day.</summary>
    private static string BuildChart(CrateDownloadStats downloads)
    {
        var days = downloads.Totals.Select(t => t.Day).ToList();
        var top = downloads.Versions.GroupBy(v => v.Version).OrderByDescending(g => g.Sum(v => v.Downloads)).Take(ChartVersions).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var series = top.Select(version => new
        {
            label = version,
            data = days.Select(day => downloads.Versions.Where(v => v.Version == version && v.Day == day).Sum(v => v.Downloads)).ToList(),
        }).ToList();
        var others = days.Select(day => downloads.Versions.Where(v => !top.Contains(v.Version) && v.Day == day).Sum(v => v.Downloads)).ToList();
        if (others.Any(n => n > 0)) series.Add(new { label = "other versions", data = others });
        return JsonSerializer.Serialize(new { days = days.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), series });
    }
}
