using GhostCrate.Protocol.Index;
using GhostCrate.Protocol.Publishing;

namespace GhostCrate.Protocol.Tests;

public class IndexEntryFactoryTests
{
    private static IndexEntry Build(PublishMetadata meta) => IndexEntryFactory.FromPublish(meta, Samples.Cksum, Samples.Pubtime);

    [Fact]
    public void Renamed_dependency_uses_alias_as_name_and_real_crate_as_package()
    {
        var rand = Build(Samples.Full()).Deps[1];
        Assert.Equal("rand08", rand.Name);
        Assert.Equal("rand", rand.Package);
        Assert.Equal("^0.8", rand.Req);
    }

    [Fact]
    public void Dependency_that_is_not_renamed_has_no_package()
    {
        var serde = Build(Samples.Full()).Deps[0];
        Assert.Equal("serde", serde.Name);
        Assert.Null(serde.Package);
    }

    [Fact]
    public void Keeps_every_dependency_in_order_with_all_fields()
    {
        var deps = Build(Samples.Full()).Deps;
        Assert.Equal(["serde", "rand08", "libc", "cc", "proptest", "tokio"], deps.Select(d => d.Name));
        Assert.Equal(["derive"], deps[0].Features);
        Assert.Equal(Samples.CratesIo, deps[0].Registry);
        Assert.Equal("cfg(unix)", deps[2].Target);
        Assert.Equal("build", deps[3].Kind);
        Assert.Equal("dev", deps[4].Kind);
        Assert.False(deps[4].DefaultFeatures);
        Assert.True(deps[5].Optional);
    }

    [Fact]
    public void New_feature_syntax_moves_to_features2_and_sets_v2()
    {
        var entry = Build(Samples.Full());
        Assert.Equal(2, entry.V);
        Assert.Equal(["default", "std"], entry.Features.Keys);
        Assert.NotNull(entry.Features2);
        Assert.Equal(["async", "fast"], entry.Features2!.Keys);
        Assert.Equal(["dep:tokio", "std"], entry.Features2["async"]);
    }

    [Fact]
    public void Without_new_feature_syntax_features2_is_null_and_v1()
    {
        var entry = Build(Samples.Plain());
        Assert.Equal(1, entry.V);
        Assert.Null(entry.Features2);
        Assert.Equal(["a", "b"], entry.Features.Keys);
    }

    [Fact]
    public void Copies_scalars_and_renders_pubtime_in_utc_seconds()
    {
        var entry = Build(Samples.Full());
        Assert.Equal("demo", entry.Name);
        Assert.Equal("1.2.3+build.5", entry.Vers);
        Assert.Equal(Samples.Cksum, entry.Cksum);
        Assert.Equal("demo-sys", entry.Links);
        Assert.Equal("1.70", entry.RustVersion);
        Assert.False(entry.Yanked);
        Assert.Equal("2026-11-22T10:00:00Z", entry.Pubtime);
    }
}
