using System.Text;
using GhostCrate.Core.Backup;

namespace GhostCrate.Core.Tests.Backup;

public class BackupManifestTests
{
    private const string DbHash = "1111111111111111111111111111111111111111111111111111111111111111";
    private const string AHash = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string BHash = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    private static BackupManifest Manifest() => new(
        BackupManifest.CurrentFormatVersion, "20261205T120000Z", "ghostcrate 0.1.0 (commit abc)",
        new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero),
        new BackupDatabaseEntry("sqlite", "database/ghostcrate.sqlite", 4096, DbHash, [1, 2, 3]),
        new BackupCounts(Crates: 2, Versions: 2, Users: 1, Organizations: 0, Tokens: 1),
        [
            new BackupBlobEntry("crates/a/a-1.0.0.crate", 10, AHash),
            new BackupBlobEntry("crates/b/b-0.1.0.crate", 20, BHash),
        ]);

    private static Dictionary<string, FileFacts> AllPresent() => new(StringComparer.Ordinal)
    {
        ["database/ghostcrate.sqlite"] = new(4096, DbHash),
        ["blobs/crates/a/a-1.0.0.crate"] = new(10, AHash),
        ["blobs/crates/b/b-0.1.0.crate"] = new(20, BHash),
    };

    [Fact]
    public void Round_trips_through_json_with_every_field()
    {
        var manifest = Manifest();
        var json = manifest.ToJson();
        var back = BackupManifest.Parse(json);
        Assert.Equal(manifest.Id, back.Id);
        Assert.Equal(manifest.GhostCrateVersion, back.GhostCrateVersion);
        Assert.Equal(manifest.CreatedAt, back.CreatedAt);
        Assert.Equal(manifest.Database with { Migrations = [] }, back.Database with { Migrations = [] });
        Assert.Equal(manifest.Database.Migrations, back.Database.Migrations);
        Assert.Equal(manifest.Counts, back.Counts);
        Assert.Equal(manifest.Blobs, back.Blobs);
        Assert.Contains("\"ghostcrate_version\"", Encoding.UTF8.GetString(json), StringComparison.Ordinal);
    }

    [Fact]
    public void A_complete_backup_has_no_problems()
    {
        Assert.Empty(ManifestCheck.Files(Manifest(), AllPresent()));
    }

    [Fact]
    public void A_missing_blob_is_named()
    {
        var found = AllPresent();
        found.Remove("blobs/crates/b/b-0.1.0.crate");
        var problem = Assert.Single(ManifestCheck.Files(Manifest(), found));
        Assert.Equal("blobs/crates/b/b-0.1.0.crate", problem.Path);
        Assert.Contains("missing", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_blob_is_named_by_hash_and_by_size()
    {
        var found = AllPresent();
        found["blobs/crates/a/a-1.0.0.crate"] = new(10, BHash);
        found["database/ghostcrate.sqlite"] = new(4097, DbHash);
        var problems = ManifestCheck.Files(Manifest(), found);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Path == "blobs/crates/a/a-1.0.0.crate" && p.Message.Contains("sha256", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "database/ghostcrate.sqlite" && p.Message.Contains("size", StringComparison.Ordinal));
    }

    [Fact]
    public void An_extra_file_is_named()
    {
        var found = AllPresent();
        found["blobs/crates/c/c-9.9.9.crate"] = new(1, AHash);
        var problem = Assert.Single(ManifestCheck.Files(Manifest(), found));
        Assert.Equal("blobs/crates/c/c-9.9.9.crate", problem.Path);
        Assert.Contains("not listed", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_deep_check_finds_a_version_without_its_crate_file_or_with_another_checksum()
    {
        var contents = new SnapshotContents([1, 2, 3], Manifest().Counts,
        [
            new SnapshotVersion("A", "1.0.0", AHash, 10),   // names are lowercased in keys, as BlobKey does
            new SnapshotVersion("b", "0.1.0", AHash, 20),   // wrong checksum
            new SnapshotVersion("c", "2.0.0", BHash, 30),   // no crate file
        ], []);
        var problems = ManifestCheck.Contents(Manifest(), contents);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Path == "blobs/crates/b/b-0.1.0.crate" && p.Message.Contains("differs", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "blobs/crates/c/c-2.0.0.crate" && p.Message.Contains("not in the backup", StringComparison.Ordinal));
    }

    [Fact]
    public void The_deep_check_finds_a_docs_generation_whose_files_are_not_all_in_the_backup()
    {
        var manifest = Manifest() with { Blobs = [.. Manifest().Blobs, new BackupBlobEntry("docs/a/1.0.0/g1/a/index.html", 5, BHash)] };
        var versions = new[] { new SnapshotVersion("a", "1.0.0", AHash, 10), new SnapshotVersion("b", "0.1.0", BHash, 20) };
        Assert.Empty(ManifestCheck.Contents(manifest, new SnapshotContents([1, 2, 3], manifest.Counts, versions, [new SnapshotDocs("a", "1.0.0", "g1", 1, 5)])));

        var problem = Assert.Single(ManifestCheck.Contents(manifest, new SnapshotContents([1, 2, 3], manifest.Counts, versions, [new SnapshotDocs("A", "1.0.0", "g1", 2, 9)])));
        Assert.Equal("blobs/docs/a/1.0.0/g1/", problem.Path);
        Assert.Contains("2 files in the database but 1 in the backup", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_deep_check_finds_counts_that_differ_from_the_manifest()
    {
        var contents = new SnapshotContents([1, 2, 3], Manifest().Counts with { Tokens = 5 }, [], []);
        var problem = Assert.Single(ManifestCheck.Contents(Manifest(), contents));
        Assert.Equal("database/ghostcrate.sqlite", problem.Path);
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("/etc/passwd")]
    [InlineData("crates/../../x")]
    public void A_manifest_listing_a_path_outside_the_backup_is_refused(string key)
    {
        var manifest = Manifest() with { Blobs = [new BackupBlobEntry(key, 1, AHash)] };
        Assert.Throws<BackupException>(() => BackupManifest.Parse(manifest.ToJson()));
    }

    [Fact]
    public void A_manifest_of_an_unknown_format_version_is_refused()
    {
        var manifest = Manifest() with { FormatVersion = BackupManifest.CurrentFormatVersion + 1 };
        var ex = Assert.Throws<BackupException>(() => BackupManifest.Parse(manifest.ToJson()));
        Assert.Contains("format version", ex.Message, StringComparison.Ordinal);
    }
}
