using GhostCrate.Core.ContentChecks;
using GhostCrate.Data.Tests.Infrastructure;
using GhostCrate.Packaging.Content;

namespace GhostCrate.Data.Tests;

/// <summary>Content flags (migration 0018) on both databases: stored with the publish, per source, replaced not appended.</summary>
public abstract class ContentFlagStoreTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private IContentFlagRepository Flags => Db.Ports.ContentFlags;

    private static readonly ContentFlag Script = new(ContentFlagKinds.BuildScript, "build.rs", "runs at build time");
    private static readonly ContentFlag Hint = new(ContentFlagKinds.BuildScriptHint, "build.rs", "runs programs");
    private static readonly ContentFlag Elf = new(ContentFlagKinds.NativeBinary, "bin/tool", "ELF binary");

    [Fact]
    public async Task A_publish_stores_its_flags_in_order_and_a_plain_version_has_none()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("My_Crate", "1.0.0", alice.Id) with { ContentFlags = [Script, Hint, Elf] });
        await PublishAsync(NewVersion("My_Crate", "1.0.1", alice.Id));

        Assert.Equal([Script, Hint, Elf], await Flags.ForVersionAsync(ContentFlagSources.Private, "my-crate", "1.0.0", Ct));
        Assert.Empty(await Flags.ForVersionAsync(ContentFlagSources.Private, "my-crate", "1.0.1", Ct));
        var kinds = await Flags.KindsByVersionAsync(ContentFlagSources.Private, "my-crate", Ct);
        Assert.Equal(["build_script", "build_script_hint", "native_binary"], kinds["1.0.0"]);
        Assert.False(kinds.ContainsKey("1.0.1"));
    }

    [Fact]
    public async Task A_rejected_publish_leaves_no_flags()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("demo", "1.0.0", alice.Id) with { ContentFlags = [Script] });
        // Same version again: refused, and its (different) flags must not replace or join the stored ones.
        var again = await PublishAsync(NewVersion("demo", "1.0.0", alice.Id) with { ContentFlags = [Elf] });
        Assert.Equal(Core.Crates.PublishWriteStatus.VersionExists, again.Status);
        Assert.Equal([Script], await Flags.ForVersionAsync(ContentFlagSources.Private, "demo", "1.0.0", Ct));

        // A publish whose blob write fails rolls the flags back with the version row.
        await Assert.ThrowsAsync<IOException>(() => Crates.PublishAsync(NewVersion("demo", "2.0.0", alice.Id) with { ContentFlags = [Elf] },
            _ => throw new IOException("disk full"), Ct));
        Assert.Empty(await Flags.ForVersionAsync(ContentFlagSources.Private, "demo", "2.0.0", Ct));
    }

    [Fact]
    public async Task Proxied_flags_are_kept_per_upstream_and_replaced_on_a_second_record()
    {
        await Flags.ReplaceAsync(ContentFlagSources.Proxy("crates-io"), "demo", "1.0.0", [Elf, Script], Ct);
        await Flags.ReplaceAsync(ContentFlagSources.Proxy("crates-io"), "demo", "1.0.0", [Script], Ct);
        await Flags.ReplaceAsync(ContentFlagSources.Proxy("other"), "demo", "1.0.0", [Hint], Ct);

        Assert.Equal([Script], await Flags.ForVersionAsync("proxy:crates-io", "demo", "1.0.0", Ct));
        Assert.Equal([Hint], await Flags.ForVersionAsync("proxy:other", "demo", "1.0.0", Ct));
        Assert.Empty(await Flags.ForVersionAsync(ContentFlagSources.Private, "demo", "1.0.0", Ct));
    }
}

public sealed class SqliteContentFlagStoreTests(SqliteLane lane) : ContentFlagStoreTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresContentFlagStoreTests(PostgresLane lane) : ContentFlagStoreTests(lane), IClassFixture<PostgresLane>;
