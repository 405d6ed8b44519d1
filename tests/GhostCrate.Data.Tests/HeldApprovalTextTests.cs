using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>
/// Approving a held version that is the crate's latest publish gives the crate that version's description, search
/// text and keywords (its publish left them to the visible versions); an older one changes nothing.
/// </summary>
public abstract class HeldApprovalTextTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private static string Metadata(string name, string version, string description, string keyword) =>
        $$"""{"name":"{{name}}","vers":"{{version}}","description":"{{description}}","keywords":["{{keyword}}"],"categories":["science"],"deps":[],"features":{},"authors":[]}""";

    [Fact]
    public async Task Approving_the_latest_publish_refreshes_the_crate_text_and_an_older_one_does_not()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("widget", "1.0.0", alice.Id, description: "plain widgets"));
        await PublishAsync(NewVersion("widget", "1.1.0", alice.Id, publishedAt: T0.AddMinutes(1), description: "frobnicating widgets", searchText: "widget frobnicating widgets frob science") with
        {
            HoldReason = "content flags: native-binary",
            MetadataJson = Metadata("widget", "1.1.0", "frobnicating widgets", "Frob"),
        });
        Assert.Equal("plain widgets", (await Crates.FindAsync("widget", Ct))!.Description);
        Assert.Empty((await Crates.SearchAsync("frobnicating", 0, 10, Ct)).Crates);

        Assert.NotNull(await Db.Ports.HeldVersions.ApproveAsync("widget", "1.1.0", T0.AddMinutes(2), Ct));

        Assert.Equal("frobnicating widgets", (await Crates.FindAsync("widget", Ct))!.Description);
        Assert.Equal("widget", Assert.Single((await Crates.SearchAsync("frobnicating", 0, 10, Ct)).Crates).Name);
        Assert.Equal("widget", Assert.Single((await Crates.SearchAsync("frob", 0, 10, Ct)).Crates).Name);

        // An older held version approved after a newer visible publish leaves the crate as the newer one made it.
        await PublishAsync(NewVersion("widget", "0.9.0", alice.Id, publishedAt: T0.AddMinutes(3), description: "old text") with
        {
            HoldReason = "content flags: native-binary",
            MetadataJson = Metadata("widget", "0.9.0", "old text", "old"),
        });
        await PublishAsync(NewVersion("widget", "1.2.0", alice.Id, publishedAt: T0.AddMinutes(4), description: "newest widgets"));
        Assert.NotNull(await Db.Ports.HeldVersions.ApproveAsync("widget", "0.9.0", T0.AddMinutes(5), Ct));
        Assert.Equal("newest widgets", (await Crates.FindAsync("widget", Ct))!.Description);
    }
}

public sealed class SqliteHeldApprovalTextTests(SqliteLane lane) : HeldApprovalTextTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresHeldApprovalTextTests(PostgresLane lane) : HeldApprovalTextTests(lane), IClassFixture<PostgresLane>;
