using GhostCrate.Core.Advisories;
using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Core.Tests.Advisories;

/// <summary>Every advisory of the real RustSec database parses, and a few well-known ones mean what they say.</summary>
public sealed class AdvisoryDatabaseSweepTests
{
    private static Dictionary<string, Advisory> LoadAll(out List<string> failures, out int files)
    {
        var root = AdvisoryDatabaseLocator.Require();
        var all = new Dictionary<string, Advisory>(StringComparer.Ordinal);
        failures = [];
        files = 0;
        foreach (var path in Directory.EnumerateFiles(Path.Combine(root, "crates"), "RUSTSEC-*.md", SearchOption.AllDirectories))
        {
            files++;
            var result = AdvisoryParser.Parse(File.ReadAllText(path));
            if (!result.IsSuccess) { failures.Add($"{path}: {result.Error}"); continue; }
            var a = result.Advisory!;
            // The file layout is crates/<package>/<id>.md: the front matter must agree with it.
            if (a.Package != Path.GetFileName(Path.GetDirectoryName(path)) || a.Id + ".md" != Path.GetFileName(path))
                failures.Add($"{path}: id/package {a.Id}/{a.Package} disagree with the path");
            all[a.Id] = a;
        }
        return all;
    }

    [Fact]
    public void Every_advisory_in_the_shared_database_parses()
    {
        var all = LoadAll(out var failures, out var files);
        Assert.Empty(failures);
        Assert.True(files >= 1205, $"expected the whole database, found {files} files");
        Assert.Equal(files, all.Count);
        Assert.Contains(all.Values, a => a.IsWithdrawn);
        Assert.Contains(all.Values, a => a.Informational == "unsound");
        Assert.Contains(all.Values, a => a.Severity == AdvisorySeverity.Critical);
    }

    [Theory]
    // smallvec insert_many buffer overflow: patched >= 0.6.14, < 1.0.0 and >= 1.6.1; unaffected < 0.6.3.
    [InlineData("RUSTSEC-2021-0003", "smallvec", "1.6.0", true)]
    [InlineData("RUSTSEC-2021-0003", "smallvec", "1.6.1", false)]
    [InlineData("RUSTSEC-2021-0003", "smallvec", "0.6.13", true)]
    [InlineData("RUSTSEC-2021-0003", "smallvec", "0.6.2", false)]
    public void Known_advisories_flag_the_right_versions(string id, string package, string version, bool affected)
    {
        var all = LoadAll(out _, out _);
        var a = all[id];
        Assert.Equal(package, a.Package);
        Assert.Equal("Buffer overflow in SmallVec::insert_many", a.Title);
        Assert.Equal(AdvisorySeverity.Critical, a.Severity);
        Assert.Equal(affected, a.Versions.IsAffected(SemVersion.Parse(version)));
    }
}
