using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// Bad publishes are answered with a 4xx and Cargo's error envelope, and leave storage and database exactly as they
/// were (crates.io's rule: nothing half-written). The class has its own server and its tests run one after another,
/// so comparing the whole blob store before and after is meaningful.
/// </summary>
public sealed class RejectedPublishTests(ServerFixture fixture) : EndToEndTest(fixture), IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_path_escaping_the_crate_folder_is_rejected_and_nothing_is_stored()
    {
        var name = $"evil-{Ids.New()}";
        var crate = CrateFiles.Build(name, "0.1.0", extraEntries: [($"{name}-0.1.0/../evil", "pwned"u8.ToArray())]);
        await AssertRejectedWithoutTraceAsync(name, "0.1.0", CrateFiles.PublishBody(name, "0.1.0", crate));
    }

    [Fact]
    public async Task A_manifest_naming_another_crate_is_rejected_and_nothing_is_stored()
    {
        var name = $"liar-{Ids.New()}";
        var crate = CrateFiles.Build(name, "0.1.0", manifestName: $"someone-else-{Ids.New()}");
        await AssertRejectedWithoutTraceAsync(name, "0.1.0", CrateFiles.PublishBody(name, "0.1.0", crate));
    }

    [Fact]
    public async Task A_manifest_with_another_version_is_rejected_and_nothing_is_stored()
    {
        var name = $"liar-{Ids.New()}";
        var crate = CrateFiles.Build(name, "0.1.0");
        await AssertRejectedWithoutTraceAsync(name, "0.2.0", CrateFiles.PublishBody(name, "0.2.0", crate));
    }

    [Fact]
    public async Task A_crate_over_the_size_limit_is_rejected_and_nothing_is_stored()
    {
        // 11 MiB of incompressible data: over the default 10 MiB limit for a .crate.
        var name = $"huge-{Ids.New()}";
        var crate = CrateFiles.Build(name, "0.1.0", extraEntries: [($"{name}-0.1.0/blob.bin", RandomNumberGenerator.GetBytes(11 * 1024 * 1024))]);
        Assert.True(crate.Length > 10 * 1024 * 1024);
        await AssertRejectedWithoutTraceAsync(name, "0.1.0", CrateFiles.PublishBody(name, "0.1.0", crate), overSocket: true);
    }

    [Fact]
    public async Task A_truncated_publish_body_is_rejected_and_nothing_is_stored()
    {
        var name = $"short-{Ids.New()}";
        var body = CrateFiles.PublishBody(name, "0.1.0", CrateFiles.Build(name, "0.1.0"));
        await AssertRejectedWithoutTraceAsync(name, "0.1.0", body[..^100]);
    }

    [Fact]
    public async Task A_file_that_is_not_gzip_is_rejected_and_nothing_is_stored()
    {
        var name = $"notgz-{Ids.New()}";
        var body = CrateFiles.PublishBody(name, "0.1.0", Encoding.UTF8.GetBytes("this is not a tarball"));
        await AssertRejectedWithoutTraceAsync(name, "0.1.0", body);
    }

    [Fact]
    public async Task A_publish_without_a_token_is_rejected_and_nothing_is_stored()
    {
        var name = $"anon-{Ids.New()}";
        var body = CrateFiles.PublishBody(name, "0.1.0", CrateFiles.Build(name, "0.1.0"));
        await AssertRejectedWithoutTraceAsync(name, "0.1.0", body, authenticated: false);
    }

    [Fact]
    public async Task A_dependency_on_a_registry_that_is_not_allowed_is_rejected_and_nothing_is_stored()
    {
        var name = $"foreign-{Ids.New()}";
        var metadata = CrateFiles.Metadata(name, "0.1.0");
        metadata["deps"] = new JsonArray(CrateFiles.Dependency("sneaky", "^1", "sparse+https://registry.example.invalid/index/"));
        var crate = CrateFiles.Build(name, "0.1.0", manifestExtra: "\n[dependencies.sneaky]\nversion = \"1\"\nregistry-index = \"sparse+https://registry.example.invalid/index/\"\n");
        await AssertRejectedWithoutTraceAsync(name, "0.1.0", CrateFiles.PublishBody(metadata, crate));
    }

    [Fact]
    public async Task A_bad_new_version_of_an_existing_crate_leaves_the_crate_unchanged()
    {
        var name = $"existing-{Ids.New()}";
        var good = await Http.PublishAsync(CrateFiles.PublishBody(name, "0.1.0", CrateFiles.Build(name, "0.1.0")), Server.AdminToken, Cancel);
        Assert.True(good.Status == HttpStatusCode.OK, good.Describe());
        // The snapshot must see stored crates, or comparing snapshots would prove nothing.
        Assert.Contains(await Server.SnapshotStorageAsync(Cancel), e => e.Contains($"{name}-0.1.0.crate", StringComparison.Ordinal));

        var evil = CrateFiles.Build(name, "0.2.0", extraEntries: [($"{name}-0.2.0/../../evil", "pwned"u8.ToArray())]);
        await AssertRejectedWithoutTraceAsync(name, "0.2.0", CrateFiles.PublishBody(name, "0.2.0", evil));

        var mismatch = CrateFiles.Build(name, "0.3.0", manifestName: $"other-{Ids.New()}");
        await AssertRejectedWithoutTraceAsync(name, "0.3.0", CrateFiles.PublishBody(name, "0.3.0", mismatch));

        var entries = await Http.GetIndexEntriesAsync(name, cancellationToken: Cancel);
        Assert.Equal("0.1.0", Assert.Single(entries)["vers"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_name_differing_only_in_case_or_separators_from_an_existing_crate_is_rejected()
    {
        // crates.io's rule: `foo-bar`, `foo_bar` and `Foo_Bar` are one crate name, so nobody can squat a look-alike.
        var id = Ids.New();
        var name = $"same-name-{id}";
        var good = await Http.PublishAsync(CrateFiles.PublishBody(name, "0.1.0", CrateFiles.Build(name, "0.1.0")), Server.AdminToken, Cancel);
        Assert.True(good.Status == HttpStatusCode.OK, good.Describe());
        var existing = await Server.SnapshotStorageAsync(Cancel);
        Assert.Contains(existing, e => e.Contains($"{name}-0.1.0.crate", StringComparison.Ordinal));

        foreach (var lookalike in new[] { $"same_name_{id}", $"Same-Name-{id}" })
        {
            var body = CrateFiles.PublishBody(lookalike, "0.2.0", CrateFiles.Build(lookalike, "0.2.0"));
            await AssertRejectedWithoutTraceAsync(lookalike, "0.2.0", body);
        }

        Assert.Single(await Http.GetIndexEntriesAsync(name, cancellationToken: Cancel));
    }

    [Fact]
    public async Task An_upload_cut_off_midway_leaves_nothing_behind_and_a_retry_succeeds()
    {
        var name = $"cutoff-{Ids.New()}";
        var crate = CrateFiles.Build(name, "0.1.0", extraEntries: [($"{name}-0.1.0/data.bin", RandomNumberGenerator.GetBytes(2 * 1024 * 1024))]);
        var body = CrateFiles.PublishBody(name, "0.1.0", crate);
        var before = await Server.SnapshotStorageAsync(Cancel);

        await Http.PublishCutOffAsync(body, body.Length / 2, Server.AdminToken, Cancel);

        // The retry must not trip over anything the broken upload left (a partial blob, a half-made row).
        var retry = await Http.PublishAsync(body, Server.AdminToken, Cancel);
        Assert.True(retry.Status == HttpStatusCode.OK, retry.Describe());
        var line = Assert.Single(await Http.GetIndexEntriesAsync(name, cancellationToken: Cancel));
        Assert.Equal(CrateFiles.Sha256(crate), line["cksum"]!.GetValue<string>());
        var (status, bytes) = await Http.DownloadAsync(name, "0.1.0", cancellationToken: Cancel);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(CrateFiles.Sha256(crate), CrateFiles.Sha256(bytes));

        // Storage ends up with exactly one new crate file (plus its folders): no temporary or partial leftovers.
        // The aborted request may still be unwinding on the server, so wait (bounded) for storage to settle.
        IReadOnlyList<string> added = [];
        var deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            var after = await Server.SnapshotStorageAsync(Cancel);
            added = after.Except(before).Where(e => !e.EndsWith('/')).ToList();
            if (added.Count == 1 && before.All(after.Contains))
            {
                break;
            }

            await Task.Delay(200, Cancel);
        }
        while (DateTime.UtcNow < deadline);

        var file = Assert.Single(added);
        Assert.Contains($"{name}-0.1.0.crate", file);
    }

    /// <summary>Sends the body and checks: 4xx with a detail, same blobs, same index file, nothing searchable or downloadable.</summary>
    private async Task AssertRejectedWithoutTraceAsync(string name, string version, byte[] body, bool authenticated = true, bool overSocket = false)
    {
        var token = authenticated ? Server.AdminToken : null;
        var storageBefore = await Server.SnapshotStorageAsync(Cancel);
        var indexBefore = await Http.GetIndexFileAsync(name, cancellationToken: Cancel);
        var searchBefore = await SearchTotalAsync(name);

        int status;
        IReadOnlyList<string> details;
        string shown;
        if (overSocket)
        {
            var (code, head, text) = await Http.PublishOverSocketAsync(body, token, Cancel);
            status = code;
            details = HttpAnswer.ParseErrorDetails(text);
            shown = head + "\n\n" + text;
        }
        else
        {
            var answer = await Http.PublishAsync(body, token, Cancel);
            status = answer.Code;
            details = answer.ErrorDetails();
            shown = answer.Describe();
        }

        Assert.True(status is >= 400 and < 500, $"expected a 4xx:\n{shown}");
        Assert.True(details.Any(d => !string.IsNullOrWhiteSpace(d)),
            $"expected Cargo's error envelope {{\"errors\":[{{\"detail\":...}}]}}:\n{shown}");

        var storageAfter = await Server.SnapshotStorageAsync(Cancel);
        Assert.True(storageBefore.SequenceEqual(storageAfter),
            $"storage changed:\n--- before ---\n{string.Join('\n', storageBefore)}\n--- after ---\n{string.Join('\n', storageAfter)}");

        var indexAfter = await Http.GetIndexFileAsync(name, cancellationToken: Cancel);
        Assert.Equal(indexBefore.Status, indexAfter.Status);
        Assert.Equal(indexBefore.Body, indexAfter.Body);
        if (indexBefore.Status == HttpStatusCode.NotFound)
        {
            Assert.True(indexAfter.Status == HttpStatusCode.NotFound, indexAfter.Describe());
        }

        Assert.Equal(searchBefore, await SearchTotalAsync(name));
        var (downloadStatus, _) = await Http.DownloadAsync(name, version, cancellationToken: Cancel);
        Assert.Equal(HttpStatusCode.NotFound, downloadStatus);
    }

    private async Task<int> SearchTotalAsync(string name)
    {
        var search = await Http.SearchAsync(name, cancellationToken: Cancel);
        Assert.True(search.Status == HttpStatusCode.OK, search.Describe());
        var crates = JsonNode.Parse(search.Body)?["crates"]?.AsArray() ?? [];
        return crates.Count(c => c?["name"]?.GetValue<string>() == name);
    }
}
