using System.Security.Cryptography;
using System.Text;
using GhostCrate.Core.Backup;
using GhostCrate.Core.Storage;
using GhostCrate.Core.Tests.Proxy;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Core.Tests.Backup;

/// <summary>`backup create --include-mirror` and its restore, on a real mirror directory with its links (issue 19).</summary>
public sealed partial class BackupUseCaseTests
{
    private static readonly byte[] Archive = Encoding.UTF8.GetBytes("a toolchain archive, hard-linked into the served tree");

    /// <summary>A mirror directory laid out as `mirror sync` and `toolchain sync` leave it (MirrorLayout), with scratch in .ghostcrate/.</summary>
    private static string MakeMirror()
    {
        var root = Directory.CreateTempSubdirectory("ghostcrate-mirror-").FullName;
        void Write(string path, byte[] bytes)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, bytes);
        }
        Write("mirror.json", "{}"u8.ToArray());
        Write("crates/a/a-1.0.0.crate", [1, 2, 3]);
        Write("toolchains/dist/2026-12-01/rustc.tar.xz", Archive);
        Write(".ghostcrate/generations/2/index/1/a", "served index line"u8.ToArray());
        Write(".ghostcrate/generations/2/toolchains/dist/2026-12-01/rustc.tar.xz", Archive); // a hard link in a real mirror
        Write(".ghostcrate/generations/1/index/1/a", "a retired generation"u8.ToArray());
        Write(".ghostcrate/partial/b-1.0.0.crate.part", [9]);
        Write(".ghostcrate/lock", []);
        File.CreateSymbolicLink(Path.Combine(root, "current"), ".ghostcrate/generations/2");
        Directory.CreateSymbolicLink(Path.Combine(root, "index"), "current/index");
        return root;
    }

    [Fact]
    public async Task The_offline_mirror_is_backed_up_only_when_asked_with_its_links_and_served_generation_and_each_content_once()
    {
        var mirror = MakeMirror();
        try
        {
            _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateA;
            var db = Database(Version("a", "1.0.0", CrateA));
            var time = new ManualTime(new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero));

            var without = await Creator(db, time).CreateAsync(_location, "test", new BackupCreateOptions(null, Incremental: true), Ct);
            Assert.Null(without.Mirror);
            Assert.False(without.Has(BackupManifest.MirrorPart));

            time.Now = time.Now.AddDays(1);
            var with = await Creator(db, time).CreateAsync(_location, "test", new BackupCreateOptions(null, Incremental: true, MirrorDirectory: mirror), Ct);
            Assert.True(with.Has(BackupManifest.MirrorPart));
            Assert.Equal(3, with.FormatVersion);
            Assert.Equal([".ghostcrate/generations/2/index/1/a", ".ghostcrate/generations/2/toolchains/dist/2026-12-01/rustc.tar.xz", "crates/a/a-1.0.0.crate", "mirror.json", "toolchains/dist/2026-12-01/rustc.tar.xz"],
                with.Mirror!.Files.Select(f => f.Path));
            Assert.Equal([new MirrorLinkEntry("current", ".ghostcrate/generations/2"), new MirrorLinkEntry("index", "current/index")], with.Mirror.Links);
            Assert.Equal(4, with.Mirror.Objects.Count); // the archive is stored once
            var archive = Assert.Single(with.Mirror.Objects, o => o.Sha256 == Sha(Archive));
            Assert.Equal(((long)Archive.Length, (string?)null), (archive.Size, archive.StoredIn));
            var backup = _location.Backups[with.Id];
            Assert.Equal(4, backup.Files.Keys.Count(k => k.StartsWith(BackupMirror.ObjectsFolder + "/", StringComparison.Ordinal)));
            Assert.True(BackupManifest.Parse(backup.Files[BackupManifest.FileName]).Has(BackupManifest.MirrorPart));
            Assert.True((await new BackupVerifier(db).VerifyAsync(backup, deep: true, Ct)).Ok);

            // The next backup references every unchanged content in this one.
            time.Now = time.Now.AddDays(1);
            var next = await Creator(db, time).CreateAsync(_location, "test", new BackupCreateOptions(null, Incremental: true, MirrorDirectory: mirror), Ct);
            Assert.All(next.Mirror!.Objects, o => Assert.Equal(with.Id, o.StoredIn));
            Assert.DoesNotContain(_location.Backups[next.Id].Files.Keys, k => k.StartsWith(BackupMirror.ObjectsFolder, StringComparison.Ordinal));
            Assert.True((await new BackupVerifier(db).VerifyAsync(_location.Backups[next.Id], deep: true, Ct)).Ok);
        }
        finally
        {
            Directory.Delete(mirror, recursive: true);
        }
    }

    [Fact]
    public async Task A_backup_with_the_mirror_verifies_every_content_and_restores_it_whole_only_into_an_empty_or_forced_directory()
    {
        var mirror = MakeMirror();
        var scratch = Directory.CreateTempSubdirectory("ghostcrate-mirror-restore-").FullName;
        try
        {
            _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateA;
            var db = Database(Version("a", "1.0.0", CrateA));
            var manifest = await Creator(db).CreateAsync(_location, "test", new BackupCreateOptions(null, Incremental: false, MirrorDirectory: mirror), Ct);
            var backup = _location.Backups[manifest.Id];
            var target = new MemoryBlobStore();
            var restorer = new BackupRestorer(new BackupVerifier(db), db, db, target, new DurablePutsBatchStore(target), NullLogger<BackupRestorer>.Instance);

            // A flipped byte in a mirror file's contents fails verify naming it, and the restore refuses before touching anything.
            var damaged = MirrorObjectEntry.FileOf(Sha(Archive));
            var good = backup.Files[damaged];
            backup.Files[damaged] = [.. good[..^1], (byte)(good[^1] ^ 1)];
            Assert.Equal(damaged, Assert.Single((await new BackupVerifier(db).VerifyAsync(backup, deep: false, Ct)).Problems).Path);
            var into = Path.Combine(scratch, "mirror");
            await Assert.ThrowsAsync<BackupException>(() => restorer.RestoreAsync(backup, false, null, into, Ct));
            Assert.False(Directory.Exists(into));
            Assert.Empty(target.Blobs);
            backup.Files[damaged] = good;

            // Without a place for the mirror, or into a directory that holds something, nothing is restored.
            var nowhere = await Assert.ThrowsAsync<BackupException>(() => restorer.RestoreAsync(backup, false, null, null, Ct));
            Assert.Contains("--mirror-dir", nowhere.Message, StringComparison.Ordinal);
            Directory.CreateDirectory(into);
            await File.WriteAllTextAsync(Path.Combine(into, "keep.txt"), "mine", Ct);
            var occupied = await Assert.ThrowsAsync<BackupException>(() => restorer.RestoreAsync(backup, false, null, into, Ct));
            Assert.Contains("not empty", occupied.Message, StringComparison.Ordinal);
            Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(into).Select(Path.GetFileName));
            Assert.Empty(target.Blobs);
            Assert.Equal(0, db.Installs);

            var report = await restorer.RestoreAsync(backup, true, null, into, Ct);
            Assert.Equal(5, report.MirrorFiles);
            Assert.Equal(1, db.Installs);
            Assert.False(File.Exists(Path.Combine(into, "keep.txt")));
            Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(Path.Combine(into, "crates/a/a-1.0.0.crate"), Ct));
            Assert.Equal(Archive, await File.ReadAllBytesAsync(Path.Combine(into, "toolchains/dist/2026-12-01/rustc.tar.xz"), Ct));
            Assert.Equal(".ghostcrate/generations/2", new FileInfo(Path.Combine(into, "current")).LinkTarget);
            // Read through both links, as the server reads the served index.
            Assert.Equal("served index line", await File.ReadAllTextAsync(Path.Combine(into, "index/1/a"), Ct));
            Assert.Equal(Archive, await File.ReadAllBytesAsync(Path.Combine(into, "current/toolchains/dist/2026-12-01/rustc.tar.xz"), Ct));
            // The scratch of .ghostcrate/ and the retired generation were not in the backup.
            Assert.Equal(["generations"], Directory.EnumerateFileSystemEntries(Path.Combine(into, ".ghostcrate")).Select(Path.GetFileName));
            Assert.Equal(["2"], Directory.EnumerateFileSystemEntries(Path.Combine(into, ".ghostcrate/generations")).Select(Path.GetFileName));
            Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(scratch), p => Path.GetFileName(p) != "mirror"); // no staging folder left
        }
        finally
        {
            Directory.Delete(mirror, recursive: true);
            Directory.Delete(scratch, recursive: true);
        }
    }

    [Fact]
    public void A_manifest_whose_mirror_links_out_of_the_mirror_or_names_missing_contents_is_refused()
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData([1]));
        var ok = new BackupMirror([new MirrorFileEntry("crates/a.crate", sha)], [new MirrorLinkEntry("index", "current/index")], [new MirrorObjectEntry(sha, 1)]);
        Assert.Null(ok.Problem());
        Assert.Contains("outside", (ok with { Links = [new MirrorLinkEntry("index", "../../etc")] }).Problem(), StringComparison.Ordinal);
        Assert.Contains("outside", (ok with { Links = [new MirrorLinkEntry("a/index", "/etc")] }).Problem(), StringComparison.Ordinal);
        Assert.Null((ok with { Links = [new MirrorLinkEntry("a/b/index", "../../current/index")] }).Problem());
        Assert.Contains("no stored contents", (ok with { Objects = [] }).Problem(), StringComparison.Ordinal);
        Assert.Contains("not a SHA-256", (ok with { Objects = [new MirrorObjectEntry("../x", 1)] }).Problem(), StringComparison.Ordinal);
        Assert.Contains("not a safe relative path", (ok with { Files = [new MirrorFileEntry("../x", sha)] }).Problem(), StringComparison.Ordinal);
    }
}
