using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using GhostCrate.EndToEnd.Infrastructure;
using Npgsql;

namespace GhostCrate.EndToEnd;

/// <summary>
/// `ghostcrate backup create|verify|restore|list` (issue 19) against a running server with the real cargo: a backup
/// taken while a publisher keeps publishing restores into an empty data directory that serves every version of the
/// manifest (and nothing published after the snapshot), builds a consumer and accepts tokens issued before. On both
/// lanes: SQLite + files, and PostgreSQL + S3 (each restore goes into a fresh database and bucket).
/// </summary>
public sealed class BackupRestoreTests(BackupServerFixture fixture) : EndToEndTest(fixture), IClassFixture<BackupServerFixture>
{
    [Fact]
    public async Task Backup_during_publishing_restores_into_an_empty_data_dir_that_serves_every_version_and_builds_a_consumer()
    {
        var id = Ids.New();
        var (user, userToken) = await Server.CreateUserWithTokenAsync("bk", Cancel);
        var readmeMarker = $"backup-readme-marker-{id}";
        var lib = await Cargo.NewLibAsync($"bk-lib-{id}", version: "0.1.0", files: new Dictionary<string, string>
        {
            ["src/lib.rs"] = "pub fn value() -> u32 { 1 }\n",
        });
        await Cargo.PublishOkAsync(lib);
        var lib2 = await Cargo.NewLibAsync($"bk-lib-{id}", version: "0.2.0", packageFields: "readme = \"README.md\"", files: new Dictionary<string, string>
        {
            ["src/lib.rs"] = "pub fn value() -> u32 { 2 }\n",
            ["README.md"] = $"# Library\n\n{readmeMarker}\n",
        });
        await Cargo.PublishOkAsync(lib2);
        var lib3 = await Cargo.NewLibAsync($"bk-lib-{id}", version: "0.3.0", files: new Dictionary<string, string>
        {
            ["src/lib.rs"] = "pub fn value() -> u32 { 3 }\n",
        });
        await Cargo.PublishOkAsync(lib3);
        var yank = await Http.YankAsync(lib.Name, "0.3.0", Server.AdminToken, Cancel);
        Assert.True(yank.Code == 200, yank.Describe());

        // A publisher that keeps publishing while the backup runs: whatever the snapshot missed must be absent from
        // the restore, never half there.
        var busy = $"bk-busy-{id}";
        var published = new List<string>();
        using var stopPublishing = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var publisher = Task.Run(async () =>
        {
            for (var n = 1; !stopPublishing.IsCancellationRequested; n++)
            {
                var version = $"0.0.{n}";
                var body = CrateFiles.PublishBody(busy, version, CrateFiles.Build(busy, version));
                try
                {
                    var answer = await Http.PublishAsync(body, Server.AdminToken, stopPublishing.Token);
                    Assert.True(answer.Code == 200, answer.Describe());
                    lock (published) published.Add(version);
                }
                catch (OperationCanceledException) when (stopPublishing.IsCancellationRequested)
                {
                }
            }
        }, Cancel);
        await WaitUntilAsync(() => { lock (published) return published.Count >= 2; }, "the publisher's first versions");

        var backups = Path.Combine(Server.Root, "backups");
        var startedAt = DateTimeOffset.UtcNow;
        var created = await Server.RunCliAsync(["backup", "create", "--to", backups, "--data-dir", Server.DataDir], cancellationToken: Cancel);
        Assert.True(created.Succeeded, created.Describe());
        int afterBackup;
        lock (published) afterBackup = published.Count;
        await WaitUntilAsync(() => { lock (published) return published.Count >= afterBackup + 2; }, "versions published after the backup");
        await stopPublishing.CancelAsync();
        await publisher;

        var backup = LastLine(created);
        Assert.True(File.Exists(Path.Combine(backup, "manifest.json")), created.Describe());
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(backup, "manifest.json"), Cancel))!.AsObject();
        // Crate files only: other tests of this class upload docs to the same server.
        var inBackup = manifest["blobs"]!.AsArray().Select(b => b!["key"]!.GetValue<string>()).Where(k => k.StartsWith("crates/", StringComparison.Ordinal)).Select(ParseKey).ToList();
        Assert.Contains((lib.Name, "0.1.0"), inBackup);
        Assert.Contains((lib.Name, "0.3.0"), inBackup);
        var busyInBackup = inBackup.Where(v => v.Crate == busy).Select(v => v.Version).ToHashSet();
        Assert.NotEmpty(busyInBackup);
        Assert.True(busyInBackup.Count < published.Count, $"the backup has all {published.Count} versions of {busy}, so it was not taken while publishing");

        var verified = await Server.RunCliAsync(["backup", "verify", backup, "--deep"], cancellationToken: Cancel);
        Assert.True(verified.Succeeded, verified.Describe());

        // The server learns of the backup from the run log in the database (the CLI ran it, not the server).
        var metrics = await Http.GetAsync("metrics", cancellationToken: Cancel);
        var sample = System.Text.RegularExpressions.Regex.Match(metrics.Body, @"^ghostcrate_backup_last_success_timestamp_seconds(\{[^}]*\})?\s+(\S+)", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(sample.Success, metrics.Describe());
        Assert.InRange(double.Parse(sample.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), startedAt.ToUnixTimeSeconds() - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);

        var listed = await Server.RunCliAsync(["backup", "list", backups], cancellationToken: Cancel);
        Assert.True(listed.Succeeded && listed.StdOut.Contains($"{Path.GetFileName(backup)}  complete", StringComparison.Ordinal), listed.Describe());

        string restoreOutput = "";
        await using var restored = await GhostCrateServer.StartAsync(new ServerOptions
        {
            BeforeStart = async target =>
            {
                var restore = await target.RunCliAsync(["backup", "restore", backup, "--data-dir", target.DataDir], cancellationToken: Cancel);
                Assert.True(restore.Succeeded, restore.Describe());
                restoreOutput = restore.StdOut;
            },
        }, Cancel);
        Assert.Contains($"{inBackup.Count} crate files", restoreOutput, StringComparison.Ordinal);

        // Every version of the manifest downloads with the index checksum; nothing else of those crates is served.
        foreach (var crate in inBackup.GroupBy(v => v.Crate))
        {
            var entries = await restored.Http.GetIndexEntriesAsync(crate.Key, cancellationToken: Cancel);
            Assert.Equal(crate.Select(v => v.Version).Order(), entries.Select(e => e["vers"]!.GetValue<string>()).Order());
            foreach (var entry in entries)
            {
                var version = entry["vers"]!.GetValue<string>();
                var (status, bytes) = await restored.Http.DownloadAsync(crate.Key, version, cancellationToken: Cancel);
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Equal(entry["cksum"]!.GetValue<string>(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
            }
        }
        var libEntries = await restored.Http.GetIndexEntriesAsync(lib.Name, cancellationToken: Cancel);
        Assert.True(libEntries.Single(e => e["vers"]!.GetValue<string>() == "0.3.0")["yanked"]!.GetValue<bool>(), "the yank is restored");
        var page = await restored.Http.GetAsync($"crates/{lib.Name}/0.2.0", cancellationToken: Cancel);
        Assert.True(page.Code == 200 && page.Body.Contains(readmeMarker, StringComparison.Ordinal), page.Describe());

        // cargo resolves ^0.2 (0.3.0 is yanked) from the restored server and builds.
        using var restoredCargo = new CargoSandbox(restored, restored.AdminToken);
        var consumer = await restoredCargo.NewLibAsync($"bk-consumer-{id}",
            dependencies: $"{lib.Name} = {{ version = \"0.2\", registry = \"ghostcrate\" }}",
            files: new Dictionary<string, string> { ["src/lib.rs"] = $"pub fn total() -> u32 {{ {lib.RustName}::value() }}\n" });
        await restoredCargo.RunOkAsync(consumer.Directory, ["build"]);
        Assert.Equal("0.2.0", CargoSandbox.LockedVersion(consumer, lib.Name));

        // A token issued before the backup publishes on the restored server.
        var own = $"bk-own-{id}";
        var publishedWithOldToken = await restored.Http.PublishAsync(CrateFiles.PublishBody(own, "1.0.0", CrateFiles.Build(own, "1.0.0")), userToken, Cancel);
        Assert.True(publishedWithOldToken.Code == 200, $"token of {user}: {publishedWithOldToken.Describe()}");
    }

    [Fact]
    public async Task Uploaded_docs_are_in_the_backup_and_the_restored_server_serves_the_same_bytes()
    {
        var id = Ids.New();
        var name = $"bk-docs-{id}";
        var lib = name.Replace('-', '_');
        var answer = await Http.PublishAsync(CrateFiles.PublishBody(name, "1.0.0", CrateFiles.Build(name, "1.0.0")), Server.AdminToken, Cancel);
        Assert.True(answer.Code == 200, answer.Describe());
        var logo = RandomNumberGenerator.GetBytes(3000);
        var archive = Testing.DocsArchiveBuilder.Rustdoc(name).File("doc/static.files/logo.png", logo).TarGz();
        // Uploaded twice: the first generation is replaced, only the current one belongs in the backup.
        foreach (var _ in new[] { 1, 2 })
        {
            var upload = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"api/v1/docs/{name}/1.0.0") { Content = new ByteArrayContent(archive) }, Server.AdminToken, Cancel);
            Assert.True(upload.Code == 200, upload.Describe());
        }
        var pages = new[] { $"{lib}/index.html", $"{lib}/fn.hello.html", "static.files/main.js", "static.files/rustdoc.css", "static.files/logo.png", "search-index.js" };
        var before = new Dictionary<string, byte[]>();
        foreach (var page in pages) before[page] = await GetDocsAsync(Server, name, page);
        Assert.Equal(logo, before["static.files/logo.png"]);

        var backups = Path.Combine(Server.Root, $"docs-backups-{id}");
        var created = await Server.RunCliAsync(["backup", "create", "--to", backups, "--data-dir", Server.DataDir], cancellationToken: Cancel);
        Assert.True(created.Succeeded, created.Describe());
        var backup = LastLine(created);
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(backup, "manifest.json"), Cancel))!.AsObject();
        var docsKeys = manifest["blobs"]!.AsArray().Select(b => b!["key"]!.GetValue<string>()).Where(k => k.StartsWith($"docs/{name}/", StringComparison.Ordinal)).ToList();
        Assert.Equal(pages.Length, docsKeys.Count);
        Assert.Single(docsKeys.Select(k => k.Split('/')[3]).Distinct()); // one generation: the current one
        var verified = await Server.RunCliAsync(["backup", "verify", backup, "--deep"], cancellationToken: Cancel);
        Assert.True(verified.Succeeded, verified.Describe());

        // A docs file missing from the backup: the deep check names the generation, restore refuses.
        var damaged = CopyBackup(backup, Path.Combine(backups, "docs-missing"));
        File.Delete(Path.Combine(damaged, "blobs", docsKeys[0]));
        var verify = await Server.RunCliAsync(["backup", "verify", damaged, "--deep"], cancellationToken: Cancel);
        Assert.True(verify.ExitCode == 1 && verify.StdErr.Contains(docsKeys[0], StringComparison.Ordinal), verify.Describe());

        await using var restored = await GhostCrateServer.StartAsync(new ServerOptions
        {
            BeforeStart = async target =>
            {
                var restore = await target.RunCliAsync(["backup", "restore", backup, "--data-dir", target.DataDir], cancellationToken: Cancel);
                Assert.True(restore.Succeeded && restore.StdOut.Contains($"{docsKeys.Count} docs files", StringComparison.Ordinal), restore.Describe());
            },
        }, Cancel);
        foreach (var page in pages) Assert.Equal(before[page], await GetDocsAsync(restored, name, page));
    }

    [Fact]
    public async Task An_encrypted_backup_needs_its_key_names_a_flipped_byte_and_restores_only_with_the_right_key()
    {
        var id = Ids.New();
        var name = $"bk-enc-{id}";
        var crate = CrateFiles.Build(name, "1.0.0");
        var answer = await Http.PublishAsync(CrateFiles.PublishBody(name, "1.0.0", crate), Server.AdminToken, Cancel);
        Assert.True(answer.Code == 200, answer.Describe());
        var backups = Path.Combine(Server.Root, $"enc-backups-{id}");
        var key = Path.Combine(Server.Root, $"backup-{id}.key");
        var openssl = await ProcessRunner.RunAsync("openssl", ["rand", "-hex", "-out", key, "32"], Server.Root, cancellationToken: Cancel);
        Assert.True(openssl.Succeeded, openssl.Describe());
        var wrongKey = Path.Combine(Server.Root, $"wrong-{id}.key");
        await File.WriteAllBytesAsync(wrongKey, RandomNumberGenerator.GetBytes(32), Cancel);

        var created = await Server.RunCliAsync(["backup", "create", "--to", backups, "--encrypt-key-file", key, "--data-dir", Server.DataDir], cancellationToken: Cancel);
        Assert.True(created.Succeeded && created.StdOut.Contains(", encrypted.", StringComparison.Ordinal), created.Describe());
        var backup = LastLine(created);
        var blob = $"blobs/crates/{name}/{name}-1.0.0.crate";
        var stored = await File.ReadAllBytesAsync(Path.Combine(backup, blob), Cancel);
        Assert.Equal("GCBKAE01"u8.ToArray(), stored[..8]);
        Assert.True(stored.AsSpan().IndexOf(crate.AsSpan(0, 64)) < 0, "the crate's bytes are not in the backup in the clear");
        var database = await File.ReadAllBytesAsync(Path.Combine(backup, "database/ghostcrate.sqlite"), Cancel);
        Assert.True(database.AsSpan().IndexOf("SQLite format 3"u8) < 0, "the database is not in the backup in the clear");
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(backup, "manifest.json"), Cancel))!.AsObject();
        Assert.Equal("key-file", manifest["encryption"]!["key"]!.GetValue<string>());

        var verify = await Server.RunCliAsync(["backup", "verify", backup, "--deep"], cancellationToken: Cancel);
        Assert.True(verify.ExitCode == 1 && verify.StdErr.Contains("manifest.json: the backup is encrypted", StringComparison.Ordinal), verify.Describe());
        verify = await Server.RunCliAsync(["backup", "verify", backup, "--key-file", wrongKey], cancellationToken: Cancel);
        Assert.True(verify.ExitCode == 1 && verify.StdErr.Contains("manifest.json: the key file", StringComparison.Ordinal), verify.Describe());
        verify = await Server.RunCliAsync(["backup", "verify", backup, "--deep", "--key-file", key], cancellationToken: Cancel);
        Assert.True(verify.Succeeded, verify.Describe());

        var flipped = CopyBackup(backup, Path.Combine(backups, "flipped"));
        FlipByte(Path.Combine(flipped, blob));
        verify = await Server.RunCliAsync(["backup", "verify", flipped, "--key-file", key], cancellationToken: Cancel);
        Assert.True(verify.ExitCode == 1 && verify.StdErr.Contains($"{blob}: does not decrypt", StringComparison.Ordinal), verify.Describe());

        await using var restored = await GhostCrateServer.StartAsync(new ServerOptions
        {
            BeforeStart = async target =>
            {
                var empty = await FingerprintAsync(target);
                var refused = await target.RunCliAsync(["backup", "restore", backup, "--data-dir", target.DataDir, "--key-file", wrongKey], cancellationToken: Cancel);
                Assert.True(refused.ExitCode == 1 && refused.StdErr.Contains("manifest.json", StringComparison.Ordinal), refused.Describe());
                refused = await target.RunCliAsync(["backup", "restore", flipped, "--data-dir", target.DataDir, "--key-file", key], cancellationToken: Cancel);
                Assert.True(refused.ExitCode == 1 && refused.StdErr.Contains(blob, StringComparison.Ordinal), refused.Describe());
                Assert.Equal(empty, await FingerprintAsync(target));
                var restore = await target.RunCliAsync(["backup", "restore", backup, "--data-dir", target.DataDir, "--key-file", key], cancellationToken: Cancel);
                Assert.True(restore.Succeeded, restore.Describe());
            },
        }, Cancel);
        await AssertServesAsync(restored, name, "1.0.0");
    }

    [Fact]
    public async Task A_second_backup_of_an_unchanged_registry_references_the_first_and_restores_after_the_first_is_pruned()
    {
        var id = Ids.New();
        var name = $"bk-inc-{id}";
        var answer = await Http.PublishAsync(CrateFiles.PublishBody(name, "1.0.0", CrateFiles.Build(name, "1.0.0")), Server.AdminToken, Cancel);
        Assert.True(answer.Code == 200, answer.Describe());
        var backups = Path.Combine(Server.Root, $"inc-backups-{id}");
        // A passphrase, read from the environment variable --passphrase-env names.
        var passphrase = new Dictionary<string, string> { ["BK_PASSPHRASE"] = $"correct horse battery staple {id}" };
        string[] Create() => ["backup", "create", "--to", backups, "--passphrase-env", "BK_PASSPHRASE", "--data-dir", Server.DataDir];

        var first = await Server.RunCliAsync(Create(), cancellationToken: Cancel, settings: passphrase);
        Assert.True(first.Succeeded, first.Describe());
        var second = await Server.RunCliAsync(Create(), cancellationToken: Cancel, settings: passphrase);
        Assert.True(second.Succeeded, second.Describe());
        var firstId = Path.GetFileName(LastLine(first));
        var backup = LastLine(second);
        Assert.NotEqual(firstId, Path.GetFileName(backup));
        // Every blob of the second is referenced, none copied: it wrote only its database snapshot.
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(backup, "manifest.json"), Cancel))!.AsObject();
        var blobs = manifest["blobs"]!.AsArray();
        Assert.NotEmpty(blobs);
        Assert.All(blobs, b => Assert.NotNull(b!["stored_in"]));
        Assert.Contains(blobs, b => b!["key"]!.GetValue<string>() == $"crates/{name}/{name}-1.0.0.crate" && b["stored_in"]!.GetValue<string>() == firstId);
        Assert.False(Directory.Exists(Path.Combine(backup, "blobs")), "the incremental backup copied blobs");
        Assert.Contains($"{blobs.Count} unchanged files", second.StdOut, StringComparison.Ordinal);
        Console.WriteLine($"incremental backup of an unchanged registry: {second.StdOut.Split('\n').First(l => l.StartsWith("Wrote", StringComparison.Ordinal))}");

        var pruned = await Server.RunCliAsync(["backup", "prune", backups, "--keep", "1"], cancellationToken: Cancel);
        Assert.True(pruned.Succeeded && pruned.StdOut.Contains($"{firstId}  deleted, except the files", StringComparison.Ordinal), pruned.Describe());
        Assert.False(File.Exists(Path.Combine(backups, firstId, "manifest.json")));
        var listed = await Server.RunCliAsync(["backup", "list", backups], cancellationToken: Cancel);
        Assert.True(listed.Succeeded && listed.StdOut.Contains($"{firstId}  INCOMPLETE  pruned: keeps", StringComparison.Ordinal), listed.Describe());
        var verify = await Server.RunCliAsync(["backup", "verify", backup, "--deep", "--passphrase-env", "BK_PASSPHRASE"], cancellationToken: Cancel, settings: passphrase);
        Assert.True(verify.Succeeded, verify.Describe());

        await using var restored = await GhostCrateServer.StartAsync(new ServerOptions
        {
            BeforeStart = async target =>
            {
                var restore = await target.RunCliAsync(["backup", "restore", backup, "--data-dir", target.DataDir, "--passphrase-env", "BK_PASSPHRASE"], cancellationToken: Cancel, settings: passphrase);
                Assert.True(restore.Succeeded, restore.Describe());
            },
        }, Cancel);
        await AssertServesAsync(restored, name, "1.0.0");
    }

    private static async Task<byte[]> GetDocsAsync(GhostCrateServer server, string crate, string page)
    {
        using var response = await server.Http.Raw.GetAsync($"docs/{crate}/1.0.0/{page}", Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /docs/{crate}/1.0.0/{page}: {(int)response.StatusCode}");
        return await response.Content.ReadAsByteArrayAsync(Cancel);
    }

    [Fact]
    public async Task A_damaged_incomplete_or_misdirected_backup_is_refused_and_changes_nothing()
    {
        var id = Ids.New();
        var name = $"bk-fault-{id}";
        var answer = await Http.PublishAsync(CrateFiles.PublishBody(name, "1.0.0", CrateFiles.Build(name, "1.0.0")), Server.AdminToken, Cancel);
        Assert.True(answer.Code == 200, answer.Describe());
        var backups = Path.Combine(Server.Root, $"fault-backups-{id}");
        var created = await Server.RunCliAsync(["backup", "create", "--to", backups, "--data-dir", Server.DataDir], cancellationToken: Cancel);
        Assert.True(created.Succeeded, created.Describe());
        var good = LastLine(created);
        var blob = $"blobs/crates/{name}/{name}-1.0.0.crate";

        // One flipped byte in a blob: verify names the file.
        var flippedBlob = CopyBackup(good, Path.Combine(backups, "flipped-blob"));
        FlipByte(Path.Combine(flippedBlob, blob));
        var verify = await Server.RunCliAsync(["backup", "verify", flippedBlob], cancellationToken: Cancel);
        Assert.True(verify.ExitCode == 1 && verify.StdErr.Contains(blob, StringComparison.Ordinal), verify.Describe());

        // One flipped byte in the database file.
        var flippedDatabase = CopyBackup(good, Path.Combine(backups, "flipped-database"));
        FlipByte(Path.Combine(flippedDatabase, "database/ghostcrate.sqlite"));
        verify = await Server.RunCliAsync(["backup", "verify", flippedDatabase, "--deep"], cancellationToken: Cancel);
        Assert.True(verify.ExitCode == 1 && verify.StdErr.Contains("database/ghostcrate.sqlite", StringComparison.Ordinal), verify.Describe());

        // No manifest: incomplete for list and verify.
        var incomplete = CopyBackup(good, Path.Combine(backups, "no-manifest"));
        File.Delete(Path.Combine(incomplete, "manifest.json"));
        verify = await Server.RunCliAsync(["backup", "verify", incomplete], cancellationToken: Cancel);
        Assert.True(verify.ExitCode == 1 && verify.StdErr.Contains("manifest.json: missing", StringComparison.Ordinal), verify.Describe());
        var listed = await Server.RunCliAsync(["backup", "list", backups], cancellationToken: Cancel);
        Assert.True(listed.Succeeded && listed.StdOut.Contains("no-manifest  INCOMPLETE", StringComparison.Ordinal)
            && listed.StdOut.Contains($"{Path.GetFileName(good)}  complete", StringComparison.Ordinal), listed.Describe());

        // Into a fresh registry (its own data dir; its own database and bucket on postgres-s3), before it starts: the
        // damaged backup is refused before anything is written; a good one restores once; a second restore into the
        // now non-empty target refuses and changes nothing; --force replaces.
        await using var restored = await GhostCrateServer.StartAsync(new ServerOptions
        {
            BeforeStart = async target =>
            {
                var empty = await FingerprintAsync(target);
                var restore = await target.RunCliAsync(["backup", "restore", flippedBlob, "--data-dir", target.DataDir], cancellationToken: Cancel);
                Assert.True(restore.ExitCode == 1 && restore.StdErr.Contains(blob, StringComparison.Ordinal), restore.Describe());
                Assert.Equal(empty, await FingerprintAsync(target));

                restore = await target.RunCliAsync(["backup", "restore", good, "--data-dir", target.DataDir], cancellationToken: Cancel);
                Assert.True(restore.Succeeded, restore.Describe());
                var before = await FingerprintAsync(target);
                Assert.NotEqual(empty, before);
                restore = await target.RunCliAsync(["backup", "restore", good, "--data-dir", target.DataDir], cancellationToken: Cancel);
                Assert.True(restore.ExitCode == 1 && restore.StdErr.Contains("not empty", StringComparison.Ordinal), restore.Describe());
                Assert.Equal(before, await FingerprintAsync(target));
                restore = await target.RunCliAsync(["backup", "restore", good, "--data-dir", target.DataDir, "--force"], cancellationToken: Cancel);
                Assert.True(restore.Succeeded, restore.Describe());
            },
        }, Cancel);
        await AssertServesAsync(restored, name, "1.0.0");
    }

    [Fact]
    public async Task A_backup_killed_midway_is_incomplete_and_the_next_run_completes()
    {
        var id = Ids.New();
        var name = $"bk-kill-{id}";
        var answer = await Http.PublishAsync(CrateFiles.PublishBody(name, "1.0.0", CrateFiles.Build(name, "1.0.0")), Server.AdminToken, Cancel);
        Assert.True(answer.Code == 200, answer.Describe());
        var backups = Path.Combine(Server.Root, $"kill-backups-{id}");

        // `backup create` must be stuck after its database snapshot and before its manifest when it is killed (SIGKILL,
        // as a crash or an OOM kill would). On files, the crate file becomes a named pipe for a moment: opening it blocks
        // until someone writes. On S3, the CLI reaches S3 through a relay that never forwards the GET of the crate file.
        if (Server.Lane.Kind == BackendKind.Sqlite)
        {
            var blob = Path.Combine(Server.DataDir, "blobs", "crates", name, $"{name}-1.0.0.crate");
            var aside = Path.Combine(Server.Root, $"{name}.aside");
            File.Move(blob, aside);
            try
            {
                var fifo = await ProcessRunner.RunAsync("mkfifo", [blob], Server.Root, cancellationToken: Cancel);
                Assert.True(fifo.Succeeded, fifo.Describe());
                await KillMidwayAsync(backups, settings: null, () => true);
            }
            finally
            {
                File.Delete(blob);
                File.Move(aside, blob);
            }
        }
        else
        {
            await using var relay = new StallingProxy(new Uri(Server.Lane.S3Url!), $"GET /{Server.Bucket}/crates/{name}/");
            await KillMidwayAsync(backups, new Dictionary<string, string> { ["GHOSTCRATE_Storage__S3__ServiceUrl"] = relay.Url }, () => relay.Stalled);
        }

        var killed = Assert.Single(Directory.EnumerateDirectories(backups));
        Assert.False(File.Exists(Path.Combine(killed, "manifest.json")));
        var verify = await Server.RunCliAsync(["backup", "verify", killed], cancellationToken: Cancel);
        Assert.True(verify.ExitCode == 1 && verify.StdErr.Contains("manifest.json: missing", StringComparison.Ordinal), verify.Describe());

        var created = await Server.RunCliAsync(["backup", "create", "--to", backups, "--data-dir", Server.DataDir], cancellationToken: Cancel);
        Assert.True(created.Succeeded, created.Describe());
        var good = created.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        verify = await Server.RunCliAsync(["backup", "verify", good, "--deep"], cancellationToken: Cancel);
        Assert.True(verify.Succeeded, verify.Describe());
        var listed = await Server.RunCliAsync(["backup", "list", backups], cancellationToken: Cancel);
        Assert.True(listed.Succeeded
            && listed.StdOut.Contains($"{Path.GetFileName(killed)}  INCOMPLETE", StringComparison.Ordinal)
            && listed.StdOut.Contains($"{Path.GetFileName(good)}  complete", StringComparison.Ordinal), listed.Describe());
    }

    [Fact]
    public async Task An_s3_target_holds_complete_backups_that_verify_and_restore_and_damage_there_is_found()
    {
        var s3Url = Environment.GetEnvironmentVariable(Lane.S3Variable);
        if (string.IsNullOrEmpty(s3Url)) Assert.Skip($"{Lane.S3Variable} is not set (scripts/test.sh starts s3rver)");
        var id = Ids.New();
        var name = $"bk-s3-{id}";
        var answer = await Http.PublishAsync(CrateFiles.PublishBody(name, "1.0.0", CrateFiles.Build(name, "1.0.0")), Server.AdminToken, Cancel);
        Assert.True(answer.Code == 200, answer.Describe());

        // Backup buckets are provisioned like storage buckets; the CLI reaches them with the Storage:S3 settings.
        var bucket = $"gc-e2e-backups-{id}";
        using var s3 = S3.CreateClient(s3Url);
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket }, Cancel);
        var settings = new Dictionary<string, string>
        {
            ["GHOSTCRATE_Storage__S3__ServiceUrl"] = s3Url,
            ["GHOSTCRATE_Storage__S3__AccessKeyId"] = Lane.S3AccessKey,
            ["GHOSTCRATE_Storage__S3__SecretAccessKey"] = Lane.S3SecretKey,
            ["GHOSTCRATE_Storage__S3__Region"] = Lane.S3Region,
        };
        try
        {
            var target = $"s3://{bucket}/nightly";
            var created = await Server.RunCliAsync(["backup", "create", "--to", target, "--data-dir", Server.DataDir], cancellationToken: Cancel, settings: settings);
            Assert.True(created.Succeeded, created.Describe());
            var backup = LastLine(created);
            Assert.StartsWith($"{target}/", backup, StringComparison.Ordinal);
            var backupId = backup[(target.Length + 1)..];
            var manifest = await s3.GetObjectAsync(bucket, $"nightly/{backupId}/manifest.json", Cancel);
            manifest.Dispose();

            var verify = await Server.RunCliAsync(["backup", "verify", backup, "--deep"], cancellationToken: Cancel, settings: settings);
            Assert.True(verify.Succeeded, verify.Describe());
            var listed = await Server.RunCliAsync(["backup", "list", target], cancellationToken: Cancel, settings: settings);
            Assert.True(listed.Succeeded && listed.StdOut.Contains($"{backupId}  complete", StringComparison.Ordinal), listed.Describe());

            await using (var restored = await GhostCrateServer.StartAsync(new ServerOptions
            {
                BeforeStart = async server =>
                {
                    // The restore target's own storage settings win over the ones naming the backup's endpoint; on
                    // postgres-s3 both point at the same S3 server.
                    var restoreSettings = server.Lane.Kind == BackendKind.Sqlite ? settings : null;
                    var restore = await server.RunCliAsync(["backup", "restore", backup, "--data-dir", server.DataDir], cancellationToken: Cancel, settings: restoreSettings);
                    Assert.True(restore.Succeeded, restore.Describe());
                },
            }, Cancel))
            {
                await AssertServesAsync(restored, name, "1.0.0");
            }

            // A flipped byte in an object of the backup is found and named.
            var key = $"nightly/{backupId}/blobs/crates/{name}/{name}-1.0.0.crate";
            byte[] bytes;
            using (var original = await s3.GetObjectAsync(bucket, key, Cancel))
            using (var buffer = new MemoryStream())
            {
                await original.ResponseStream.CopyToAsync(buffer, Cancel);
                bytes = buffer.ToArray();
            }
            bytes[bytes.Length / 2] ^= 0x01;
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(bytes), UseChunkEncoding = false }, Cancel);
            verify = await Server.RunCliAsync(["backup", "verify", backup], cancellationToken: Cancel, settings: settings);
            Assert.True(verify.ExitCode == 1 && verify.StdErr.Contains($"blobs/crates/{name}/{name}-1.0.0.crate", StringComparison.Ordinal), verify.Describe());

            // Without its manifest the backup is incomplete.
            await s3.DeleteObjectAsync(bucket, $"nightly/{backupId}/manifest.json", Cancel);
            verify = await Server.RunCliAsync(["backup", "verify", backup], cancellationToken: Cancel, settings: settings);
            Assert.True(verify.ExitCode == 1 && verify.StdErr.Contains("manifest.json: missing", StringComparison.Ordinal), verify.Describe());
            listed = await Server.RunCliAsync(["backup", "list", target], cancellationToken: Cancel, settings: settings);
            Assert.True(listed.Succeeded && listed.StdOut.Contains($"{backupId}  INCOMPLETE", StringComparison.Ordinal), listed.Describe());
        }
        finally
        {
            await S3.TryDeleteBucketAsync(s3Url, bucket);
        }
    }

    [Fact]
    public async Task A_backup_moves_a_registry_from_sqlite_and_files_to_postgres_and_s3_and_back()
    {
        // Both backends in one run need PostgreSQL and S3, so this runs on the postgres-s3 lane, where a server can be
        // told to use SQLite + files instead.
        if (Server.Lane.Kind != BackendKind.PostgresS3) Assert.Skip("needs PostgreSQL and S3: runs on the postgres-s3 lane");
        var sqliteAndFiles = new Dictionary<string, string>
        {
            ["GHOSTCRATE_Database__Provider"] = "Sqlite",
            ["GHOSTCRATE_Database__ConnectionString"] = "",
            ["GHOSTCRATE_Storage__Provider"] = "FileSystem",
            ["GHOSTCRATE_RateLimits__Enabled"] = "false",
        };
        var id = Ids.New();

        // SQLite + files -> PostgreSQL + S3.
        await using var laptop = await GhostCrateServer.StartAsync(new ServerOptions { Settings = sqliteAndFiles }, Cancel);
        Assert.True(File.Exists(Path.Combine(laptop.DataDir, "ghostcrate.db")), "the source server runs on SQLite");
        var (user, token) = await laptop.CreateUserWithTokenAsync("mv", Cancel);
        var lib = $"mv-lib-{id}";
        foreach (var version in new[] { "1.0.0", "1.1.0" })
        {
            var published = await laptop.Http.PublishAsync(CrateFiles.PublishBody(lib, version, CrateFiles.Build(lib, version)), token, Cancel);
            Assert.True(published.Code == 200, published.Describe());
        }
        var yank = await laptop.Http.YankAsync(lib, "1.1.0", token, Cancel);
        Assert.True(yank.Code == 200, yank.Describe());
        var backups = Path.Combine(laptop.Root, "backups");
        var created = await laptop.RunCliAsync(["backup", "create", "--to", backups, "--data-dir", laptop.DataDir], cancellationToken: Cancel);
        Assert.True(created.Succeeded, created.Describe());
        var fromSqlite = LastLine(created);

        await using var cluster = await GhostCrateServer.StartAsync(new ServerOptions
        {
            BeforeStart = async target =>
            {
                var restore = await target.RunCliAsync(["backup", "restore", fromSqlite, "--data-dir", target.DataDir], cancellationToken: Cancel);
                Assert.True(restore.Succeeded, restore.Describe());
            },
        }, Cancel);
        Assert.False(File.Exists(Path.Combine(cluster.DataDir, "ghostcrate.db")), "the target server runs on PostgreSQL");
        await AssertServesAsync(cluster, lib, "1.0.0");
        await AssertServesAsync(cluster, lib, "1.1.0");
        Assert.True((await cluster.Http.GetIndexEntriesAsync(lib, cancellationToken: Cancel)).Single(e => e["vers"]!.GetValue<string>() == "1.1.0")["yanked"]!.GetValue<bool>());
        Assert.Contains((await cluster.SnapshotStorageAsync(Cancel)), o => o.StartsWith($"crates/{lib}/{lib}-1.0.0.crate ", StringComparison.Ordinal));
        // The token made on SQLite publishes on PostgreSQL: new rows get fresh ids after the restored ones.
        var next = await cluster.Http.PublishAsync(CrateFiles.PublishBody(lib, "2.0.0", CrateFiles.Build(lib, "2.0.0")), token, Cancel);
        Assert.True(next.Code == 200, $"token of {user}: {next.Describe()}");

        // PostgreSQL + S3 -> SQLite + files, with cargo building against the result.
        created = await cluster.RunCliAsync(["backup", "create", "--to", Path.Combine(cluster.Root, "backups"), "--data-dir", cluster.DataDir], cancellationToken: Cancel);
        Assert.True(created.Succeeded, created.Describe());
        var fromPostgres = LastLine(created);
        var verified = await cluster.RunCliAsync(["backup", "verify", fromPostgres, "--deep"], cancellationToken: Cancel);
        Assert.True(verified.Succeeded, verified.Describe());
        await using var back = await GhostCrateServer.StartAsync(new ServerOptions
        {
            Settings = sqliteAndFiles,
            BeforeStart = async target =>
            {
                var restore = await target.RunCliAsync(["backup", "restore", fromPostgres, "--data-dir", target.DataDir], cancellationToken: Cancel);
                Assert.True(restore.Succeeded, restore.Describe());
            },
        }, Cancel);
        Assert.True(File.Exists(Path.Combine(back.DataDir, "blobs", "crates", lib, $"{lib}-2.0.0.crate")), "the crate files are on the file system");
        await AssertServesAsync(back, lib, "2.0.0");
        using var cargo = new CargoSandbox(back, token);
        var consumer = await cargo.NewLibAsync($"mv-consumer-{id}",
            dependencies: $"{lib} = {{ version = \"1\", registry = \"ghostcrate\" }}",
            files: new Dictionary<string, string> { ["src/lib.rs"] = "pub fn nothing() {}\n" });
        await cargo.RunOkAsync(consumer.Directory, ["build"]);
        Assert.Equal("1.0.0", CargoSandbox.LockedVersion(consumer, lib));
    }

    private async Task KillMidwayAsync(string backups, IReadOnlyDictionary<string, string>? settings, Func<bool> stuck)
    {
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var running = Server.RunCliAsync(["backup", "create", "--to", backups, "--data-dir", Server.DataDir], cancellationToken: kill.Token, settings: settings);
        await WaitUntilAsync(() => Directory.Exists(backups)
            && Directory.EnumerateDirectories(backups).Any(d => File.Exists(Path.Combine(d, "database", "ghostcrate.sqlite")))
            && stuck(),
            "the database snapshot of the stuck `backup create`");
        await kill.CancelAsync();
        await Assert.ThrowsAsync<TimeoutException>(() => running); // ProcessRunner kills the process tree on cancellation
    }

    private static async Task AssertServesAsync(GhostCrateServer server, string crate, string version)
    {
        var entry = Assert.Single(await server.Http.GetIndexEntriesAsync(crate, cancellationToken: Cancel), e => e["vers"]!.GetValue<string>() == version);
        var (status, bytes) = await server.Http.DownloadAsync(crate, version, cancellationToken: Cancel);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(entry["cksum"]!.GetValue<string>(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>What a restore may change: the data dir's files (SQLite + files), or the database rows and bucket objects.</summary>
    private static async Task<List<string>> FingerprintAsync(GhostCrateServer server)
    {
        if (server.Lane.Kind == BackendKind.Sqlite) return Fingerprint(server.DataDir);
        var lines = new List<string>();
        await using (var connection = new NpgsqlConnection(server.PostgresConnectionString))
        {
            await connection.OpenAsync(Cancel);
            foreach (var table in new[] { "crates", "versions", "users", "api_tokens" })
            {
                await using var command = new NpgsqlCommand($"SELECT count(*) || '/' || coalesce(max(created_at), 0) FROM {table}", connection);
                lines.Add($"{table} {await command.ExecuteScalarAsync(Cancel)}");
            }
        }
        try
        {
            lines.AddRange(await server.SnapshotStorageAsync(Cancel));
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchBucket")
        {
            // The bucket is made on first use (Storage:S3:CreateBucket): none yet is as empty as an empty one.
        }
        return lines;
    }

    private static string LastLine(ProcessResult result) =>
        result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];

    private static (string Crate, string Version) ParseKey(string key)
    {
        // crates/{name}/{name}-{version}.crate (BlobKey.CrateFile)
        var parts = key.Split('/');
        Assert.True(parts is ["crates", _, _], key);
        return (parts[1], parts[2][(parts[1].Length + 1)..^".crate".Length]);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50, Cancel);
        }
    }

    private static string CopyBackup(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        return target;
    }

    private static void FlipByte(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);
    }

    private static List<string> Fingerprint(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetRelativePath(folder, f)} {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))}")
            .ToList();
}

/// <summary>A server without publish rate limits: the busy publisher publishes as fast as it can while the backup runs.</summary>
public sealed class BackupServerFixture : ServerFixture
{
    protected override ServerOptions Options => new()
    {
        Settings = new Dictionary<string, string> { ["GHOSTCRATE_RateLimits__Enabled"] = "false" },
    };
}
