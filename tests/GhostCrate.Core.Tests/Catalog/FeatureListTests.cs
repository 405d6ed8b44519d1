using GhostCrate.Core.Catalog;

namespace GhostCrate.Core.Tests.Catalog;

/// <summary>Features read as cargo reads them, with the dependencies each one turns on.</summary>
public class FeatureListTests
{
    private static DependencyInfo Dep(string name, bool optional = true, string? rename = null, string kind = "normal", DependencySource source = DependencySource.ThisRegistry) =>
        new(name, rename, "^1", kind, optional, true, [], null, source, null);

    private static Dictionary<string, IReadOnlyList<string>> Features(params (string Name, string[] Enables)[] features) =>
        features.ToDictionary(f => f.Name, f => (IReadOnlyList<string>)f.Enables);

    [Fact]
    public void Entries_name_features_optional_dependencies_and_dependency_features()
    {
        var serde = Dep("serde", source: DependencySource.CratesIo);
        var log = Dep("log");
        var list = FeatureList.Build(
            Features(("default", ["std"]), ("std", []), ("json", ["dep:serde", "serde/derive", "log?/std", "std"])),
            [serde, log]);

        Assert.Equal(["default", "json", "log", "std"], list.Select(f => f.Name));
        var json = list.Single(f => f.Name == "json");
        Assert.Equal(serde, json.Enables[0].Dependency);
        Assert.Null(json.Enables[0].DependencyFeature);
        Assert.Equal((serde, "derive", false), (json.Enables[1].Dependency, json.Enables[1].DependencyFeature, json.Enables[1].Weak));
        Assert.Equal((log, "std", true), (json.Enables[2].Dependency, json.Enables[2].DependencyFeature, json.Enables[2].Weak));
        Assert.Equal("std", json.Enables[3].Feature);
        Assert.True(list[0].IsDefault);
        // log is optional and never named with dep:, so cargo gives it a feature of its own; serde is named with dep:.
        Assert.Equal(log, list.Single(f => f.Name == "log").ImplicitFor);
        Assert.DoesNotContain(list, f => f.Name == "serde");
    }

    [Fact]
    public void A_bare_name_is_an_optional_dependency_only_when_no_feature_has_that_name()
    {
        var tokio = Dep("tokio");
        var list = FeatureList.Build(Features(("rt", ["tokio"]), ("full", ["rt"])), [tokio]);

        Assert.Equal(tokio, list.Single(f => f.Name == "rt").Enables[0].Dependency);
        Assert.Equal("rt", list.Single(f => f.Name == "full").Enables[0].Feature);
    }

    [Fact]
    public void Renamed_dependencies_are_found_by_their_toml_name_and_dev_dependencies_are_ignored()
    {
        var renamed = Dep("ghost-base", rename: "base");
        var list = FeatureList.Build(Features(("b", ["dep:base"])), [renamed, Dep("criterion", kind: "dev")]);

        Assert.Equal(renamed, list.Single(f => f.Name == "b").Enables[0].Dependency);
        Assert.DoesNotContain(list, f => f.Name == "criterion");
    }
}
