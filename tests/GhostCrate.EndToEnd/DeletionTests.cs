using System.Net;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>Deleting a version as the real cargo sees it: it no longer resolves, and `cargo publish` of it is refused.</summary>
public sealed class DeletionTests(ServerFixture fixture) : EndToEndTest(fixture), IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_deleted_version_no_longer_resolves_and_cargo_publish_of_it_is_refused_with_the_tombstone()
    {
        var name = $"del-{Ids.New()}";
        await Cargo.PublishOkAsync(await Cargo.NewLibAsync(name, "0.1.0"));
        var doomed = await Cargo.NewLibAsync(name, "0.1.1");
        await Cargo.PublishOkAsync(doomed);

        var deleted = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"api/v1/crates/{name}/0.1.1?message=leaked%20a%20key"), Server.AdminToken, Cancel);
        Assert.True(deleted.Status == HttpStatusCode.NoContent, deleted.Describe());

        var fresh = await Cargo.NewLibAsync($"fresh-{Ids.New()}", dependencies: $"{name} = {{ version = \"0.1\", registry = \"ghostcrate\" }}");
        await Cargo.RunOkAsync(fresh.Directory, ["generate-lockfile"]);
        Assert.Equal("0.1.0", CargoSandbox.LockedVersion(fresh, name));

        var pinned = await Cargo.NewLibAsync($"pinned-{Ids.New()}", dependencies: $"{name} = {{ version = \"=0.1.1\", registry = \"ghostcrate\" }}");
        var unresolved = await Cargo.RunAsync(pinned.Directory, ["generate-lockfile"]);
        Assert.True(unresolved.ExitCode != 0, unresolved.Describe());

        var again = await Cargo.PublishAsync(doomed);
        Assert.True(again.ExitCode != 0, again.Describe());
        Assert.Contains($"`{name}@0.1.1` was deleted", again.StdErr, StringComparison.Ordinal);
        Assert.Contains("(leaked a key)", again.StdErr, StringComparison.Ordinal);
        Assert.Contains("can never be published again", again.StdErr, StringComparison.Ordinal);
    }
}
