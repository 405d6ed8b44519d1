using System.Net;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>cargo yank / yank --undo, as resolution sees them, and the caching headers of the index.</summary>
public sealed class YankTests(ServerFixture fixture) : EndToEndTest(fixture), IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Yank_hides_a_version_from_new_resolutions_but_not_from_existing_lockfiles_and_undo_restores_it()
    {
        var name = $"yank-{Ids.New()}";
        await Cargo.PublishOkAsync(await Cargo.NewLibAsync(name, "0.1.0"));
        await Cargo.PublishOkAsync(await Cargo.NewLibAsync(name, "0.1.1"));

        var pinned = await NewConsumerAsync("pinned", name);
        await Cargo.RunOkAsync(pinned.Directory, ["generate-lockfile"]);
        Assert.Equal("0.1.1", CargoSandbox.LockedVersion(pinned, name));

        var yank = await Cargo.RunOkAsync(Cargo.ProjectsDir, ["yank", "--registry", CargoSandbox.Registry, "--version", "0.1.1", name]);
        var entries = await Http.GetIndexEntriesAsync(name, cancellationToken: Cancel);
        Assert.True(entries.Single(e => e["vers"]!.GetValue<string>() == "0.1.1")["yanked"]!.GetValue<bool>(), yank.Describe());
        Assert.False(entries.Single(e => e["vers"]!.GetValue<string>() == "0.1.0")["yanked"]!.GetValue<bool>());

        // A fresh resolution skips the yanked version.
        var fresh = await NewConsumerAsync("fresh", name);
        await Cargo.RunOkAsync(fresh.Directory, ["generate-lockfile"]);
        Assert.Equal("0.1.0", CargoSandbox.LockedVersion(fresh, name));

        // A lockfile that already pins it still builds: the yanked version is still in the index (marked) and its
        // .crate is still downloadable (this is the first build, so cargo downloads it now).
        await Cargo.RunOkAsync(pinned.Directory, ["build", "--locked"]);
        Assert.Equal("0.1.1", CargoSandbox.LockedVersion(pinned, name));

        await Cargo.RunOkAsync(Cargo.ProjectsDir, ["yank", "--registry", CargoSandbox.Registry, "--undo", "--version", "0.1.1", name]);
        var again = await NewConsumerAsync("again", name);
        await Cargo.RunOkAsync(again.Directory, ["generate-lockfile"]);
        Assert.Equal("0.1.1", CargoSandbox.LockedVersion(again, name));
        entries = await Http.GetIndexEntriesAsync(name, cancellationToken: Cancel);
        Assert.All(entries, e => Assert.False(e["yanked"]!.GetValue<bool>(), e.ToJsonString()));
    }

    [Fact]
    public async Task Index_file_answers_304_to_its_etag_and_changes_etag_when_a_version_is_yanked()
    {
        var name = $"etag-{Ids.New()}";
        var publish = await Http.PublishAsync(CrateFiles.PublishBody(name, "1.0.0", CrateFiles.Build(name, "1.0.0")), Server.AdminToken, Cancel);
        Assert.True(publish.Status == HttpStatusCode.OK, publish.Describe());

        var first = await Http.GetIndexFileAsync(name, cancellationToken: Cancel);
        Assert.True(first.Status == HttpStatusCode.OK, first.Describe());
        var etag = first.Message.Headers.ETag;
        Assert.True(etag is not null, $"index file must carry an ETag:\n{first.Describe()}");
        Assert.False(Yanked(first.Body), first.Body);

        var unchanged = await Http.GetIndexFileAsync(name, ifNoneMatch: etag!.ToString(), cancellationToken: Cancel);
        Assert.True(unchanged.Status == HttpStatusCode.NotModified, unchanged.Describe());
        Assert.Equal("", unchanged.Body);

        var yank = await Http.YankAsync(name, "1.0.0", Server.AdminToken, Cancel);
        Assert.True(yank.Status == HttpStatusCode.OK, yank.Describe());

        var changed = await Http.GetIndexFileAsync(name, ifNoneMatch: etag.ToString(), cancellationToken: Cancel);
        Assert.True(changed.Status == HttpStatusCode.OK, $"after a yank the old ETag must not match:\n{changed.Describe()}");
        Assert.True(Yanked(changed.Body), changed.Body);
        var newEtag = changed.Message.Headers.ETag;
        Assert.True(newEtag is not null, changed.Describe());
        Assert.NotEqual(etag.Tag, newEtag!.Tag);

        var cached = await Http.GetIndexFileAsync(name, ifNoneMatch: newEtag.ToString(), cancellationToken: Cancel);
        Assert.True(cached.Status == HttpStatusCode.NotModified, cached.Describe());

        var unyank = await Http.UnyankAsync(name, "1.0.0", Server.AdminToken, Cancel);
        Assert.True(unyank.Status == HttpStatusCode.OK, unyank.Describe());
        var restored = await Http.GetIndexFileAsync(name, ifNoneMatch: newEtag.ToString(), cancellationToken: Cancel);
        Assert.True(restored.Status == HttpStatusCode.OK, restored.Describe());
        Assert.False(Yanked(restored.Body), restored.Body);
    }

    [Fact]
    public async Task Yanking_a_version_that_does_not_exist_fails_with_a_message()
    {
        var name = $"yank-{Ids.New()}";
        await Cargo.PublishOkAsync(await Cargo.NewLibAsync(name, "0.1.0"), verify: false);
        var missingVersion = await Cargo.RunAsync(Cargo.ProjectsDir, ["yank", "--registry", CargoSandbox.Registry, "--version", "9.9.9", name]);
        OwnerTests.AssertRejectedWithDetail(missingVersion);
        var missingCrate = await Cargo.RunAsync(Cargo.ProjectsDir, ["yank", "--registry", CargoSandbox.Registry, "--version", "0.1.0", "nothing-" + Ids.New()]);
        OwnerTests.AssertRejectedWithDetail(missingCrate);
        Assert.False(Assert.Single(await Http.GetIndexEntriesAsync(name, cancellationToken: Cancel))["yanked"]!.GetValue<bool>());
    }

    private static bool Yanked(string indexFile) =>
        Assert.Single(RegistryClient.ParseIndexLines(indexFile))["yanked"]!.GetValue<bool>();

    private Task<CrateProject> NewConsumerAsync(string label, string dependency) =>
        Cargo.NewLibAsync($"{label}-{Ids.New()}", dependencies: $"{dependency} = {{ version = \"0.1\", registry = \"ghostcrate\" }}");
}
