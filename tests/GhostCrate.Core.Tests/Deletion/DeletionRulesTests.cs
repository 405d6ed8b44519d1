using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Deletion;

namespace GhostCrate.Core.Tests.Deletion;

/// <summary>crates.io's owner rules (RFC 3660, src/controllers/krate/delete.rs) as <see cref="DeletionRules"/> applies them.</summary>
public class DeletionRulesTests
{
    private static readonly DateTimeOffset Published = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DeletionFacts Facts(int owners = 1, long downloads = 0, IReadOnlyList<ReverseDependency>? dependents = null) =>
        new("lib", Published, downloads, owners,
            [new DeletionVersionFacts("1.0.0", Published, downloads), new DeletionVersionFacts("2.0.0", Published.AddDays(100), 0)],
            dependents ?? []);

    [Fact]
    public void Within_72_hours_anything_without_dependents_may_go()
    {
        Assert.Null(DeletionRules.Check(Facts(owners: 3, downloads: 1_000_000), null, Published.AddHours(72)));
    }

    [Theory]
    [InlineData(2, 0, "single owner")]
    [InlineData(1, 1001, "less than 1000 downloads per month")]
    public void After_72_hours_a_second_owner_or_too_many_downloads_refuse(int owners, long downloads, string expected)
    {
        var refused = DeletionRules.Check(Facts(owners, downloads), null, Published.AddHours(73));
        Assert.NotNull(refused);
        Assert.Equal(RegistryErrorKind.Unprocessable, refused.Kind);
        Assert.Contains(expected, refused.Detail);
    }

    [Fact]
    public void The_download_limit_grows_per_started_month_of_age()
    {
        Assert.Equal(1000, DeletionRules.MaxDownloads(TimeSpan.FromDays(4)));
        Assert.Equal(2000, DeletionRules.MaxDownloads(TimeSpan.FromDays(31)));
        Assert.Null(DeletionRules.Check(Facts(downloads: 2000), null, Published.AddDays(31)));
        Assert.NotNull(DeletionRules.Check(Facts(downloads: 2001), null, Published.AddDays(31)));
    }

    [Fact]
    public void Dependents_always_refuse_but_for_a_version_only_those_it_satisfies()
    {
        var facts = Facts(dependents: [new ReverseDependency("app", "0.1.0", "^1")]);
        Assert.Contains("app@0.1.0 depends on", DeletionRules.Check(facts, null, Published.AddHours(1))!.Detail);
        Assert.NotNull(DeletionRules.Check(facts, "1.0.0", Published.AddHours(1)));
        // 2.0.0 is its own, younger version: nobody's `^1` needs it, and its age is what counts.
        Assert.Null(DeletionRules.Check(facts, "2.0.0", Published.AddDays(100).AddHours(1)));
    }
}
