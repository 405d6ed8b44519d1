using System.Text;
using GhostCrate.Core.Proxy;

namespace GhostCrate.Core.Tests.Proxy;

public class PrefetchNamesTests
{
    private static string Line(string vers, string deps = "", bool yanked = false, string features = "") =>
        $"{{\"name\":\"app\",\"vers\":\"{vers}\",\"deps\":[{deps}],\"cksum\":\"aa\",\"features\":{{{features}}},\"yanked\":{(yanked ? "true" : "false")}}}\n";

    private static string Dep(string name, string kind = "normal", bool optional = false, string? package = null, string? registry = null) =>
        $"{{\"name\":\"{name}\",\"req\":\"^1\",\"features\":[],\"optional\":{(optional ? "true" : "false")},\"default_features\":true,\"target\":null,\"kind\":\"{kind}\"" +
        (registry is null ? ",\"registry\":null" : $",\"registry\":\"{registry}\"") + (package is null ? "" : $",\"package\":\"{package}\"") + "}";

    private static string[] Of(params string[] lines) => PrefetchNames.Of(Encoding.UTF8.GetBytes(string.Concat(lines))).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void The_newest_version_of_each_of_the_three_newest_compatible_lines_is_read()
    {
        var names = Of(
            Line("0.2.0", Dep("from-0-2")),
            Line("0.3.0", Dep("from-0-3")),
            Line("1.0.0", Dep("from-1-0-0")),
            Line("1.2.0", Dep("from-1-2-0")),
            Line("2.0.0", Dep("from-2")),
            Line("1.1.0", Dep("from-1-1-0")), // published after 2.0.0, still not the newest 1.x
            Line("3.0.0-beta.1", Dep("from-3-beta")));

        // Lines 3 (a pre-release only), 2 and 1; 0.3 and 0.2 are older lines.
        Assert.Equal(["from-1-2-0", "from-2", "from-3-beta"], names);
    }

    [Fact]
    public void A_release_beats_a_newer_pre_release_of_its_line_and_yanked_versions_are_skipped()
    {
        var names = Of(
            Line("2.0.0", Dep("release")),
            Line("2.1.0-rc.1", Dep("pre-release")),
            Line("2.2.0", Dep("yanked"), yanked: true));

        Assert.Equal(["release"], names);
    }

    [Fact]
    public void Normal_and_build_dependencies_are_taken_by_their_real_name_dev_and_other_registries_are_not()
    {
        var names = Of(Line("1.0.0", string.Join(',',
            Dep("Normal-Dep"),
            Dep("build-dep", kind: "build"),
            Dep("dev-dep", kind: "dev"),
            Dep("renamed", package: "real-name"),
            Dep("elsewhere", registry: "https://github.com/rust-lang/crates.io-index"))));

        Assert.Equal(["build-dep", "normal-dep", "real-name"], names);
    }

    [Fact]
    public void An_optional_dependency_is_taken_only_when_the_default_feature_turns_it_on()
    {
        var deps = string.Join(',',
            Dep("by-dep-syntax", optional: true),
            Dep("by-implicit-feature", optional: true),
            Dep("by-dep-feature", optional: true),
            Dep("by-weak-feature", optional: true),
            Dep("through-std", optional: true),
            Dep("never", optional: true));
        var features = "\"default\":[\"dep:by-dep-syntax\",\"by-implicit-feature\",\"by-dep-feature/extra\",\"by-weak-feature?/extra\",\"std\"]," +
                       "\"std\":[\"dep:through-std\"],\"unused\":[\"dep:never\"]";

        var names = Of(Line("1.0.0", deps, features: features));

        Assert.Equal(["by-dep-feature", "by-dep-syntax", "by-implicit-feature", "through-std"], names);
    }

    [Fact]
    public void Lines_that_do_not_parse_are_skipped_and_an_empty_file_names_nothing()
    {
        Assert.Empty(Of());
        Assert.Equal(["serde"], Of("not json\n", Line("1.0.0", Dep("serde")), "{\"vers\":\"x.y\"}\n"));
    }
}
