using System.Net;
using System.Text.Json.Nodes;
using GhostCrate.EndToEnd.Infrastructure;
using GhostCrate.Testing;

namespace GhostCrate.EndToEnd;

/// <summary>A builder server of its own: the test changes its toolchain and restarts it, and counts every build it queued.</summary>
public sealed class RebuildAllDocsBuilderServerFixture : ServerFixture
{
    protected override ServerOptions Options => new()
    {
        Settings = new Dictionary<string, string>
        {
            ["GHOSTCRATE_Docs__Build__Enabled"] = "true",
            ["GHOSTCRATE_Docs__Build__Toolchain"] = "stable",
            ["GHOSTCRATE_Docs__Build__Timeout"] = DocsBuilderServerFixture.BuildTimeout.ToString(),
            ["GHOSTCRATE_Docs__Build__Cargo"] = CargoSandbox.CargoPath,
        },
    };
}

/// <summary>
/// "Rebuild all" after a real toolchain change (docs/rustdoc.md#rebuilding-after-a-toolchain-change), with the real
/// cargo and rustup: stable builds two crates, an owner replaces one's docs by an upload, the node restarts with
/// Docs:Build:Toolchain=nightly; two simultaneous rebuild-all requests queue the outdated version once, and the queued
/// build really runs with nightly, while the uploaded docs stay until the administrator asks to include them.
/// </summary>
public sealed class DocsRebuildAllTests(RebuildAllDocsBuilderServerFixture fixture) : EndToEndTest(fixture), IClassFixture<RebuildAllDocsBuilderServerFixture>
{
    private const string NewToolchain = "nightly";

    [Fact]
    public async Task After_a_toolchain_change_rebuild_all_builds_outdated_versions_once_with_the_new_toolchain_and_keeps_uploads_unless_asked()
    {
        var built = await Cargo.NewLibAsync($"rball-{Ids.New()}", files: new Dictionary<string, string> { ["src/lib.rs"] = "/// Built again.\npub struct Rebuilt;\n" });
        var uploaded = await Cargo.NewLibAsync($"rbup-{Ids.New()}", files: new Dictionary<string, string> { ["src/lib.rs"] = "/// Built by the registry.\npub struct FromTheBuilder;\n" });
        await Cargo.PublishOkAsync(built);
        await Cargo.PublishOkAsync(uploaded);
        var first = await DocsBuildTests.WaitForBuildAsync(Http, Server.AdminToken, built.Name);
        Assert.True((first["status"]!.GetValue<string>(), first["toolchain"]!.GetValue<string>()) == ("built", "stable"), first.ToJsonString());
        var uploadedFirst = await DocsBuildTests.WaitForBuildAsync(Http, Server.AdminToken, uploaded.Name);
        Assert.True(uploadedFirst["status"]!.GetValue<string>() == "built", uploadedFirst.ToJsonString());
        // The owner publishes docs of their own over the built ones.
        var archive = DocsArchiveBuilder.Rustdoc(uploaded.Name).File($"doc/{uploaded.RustName}/uploaded-marker.html", "uploaded by CI").Zip();
        var upload = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/v1/docs/{uploaded.Name}/0.1.0") { Content = new ByteArrayContent(archive) }, Server.AdminToken, Cancel);
        Assert.True(upload.Status == HttpStatusCode.OK, upload.Describe());

        Server.ChangeSetting("GHOSTCRATE_Docs__Build__Toolchain", NewToolchain);
        await Server.RestartAsync(Cancel);
        var overview = await AdminOverviewAsync();
        Assert.Equal(NewToolchain, overview["toolchain"]!.GetValue<string>());
        Assert.True((overview["counts"]!["outdated"]!.GetValue<long>(), overview["counts"]!["uploaded"]!.GetValue<long>()) == (1, 1), overview.ToJsonString());

        // Two administrators (or one double click) at the same moment: each answer names the job that queues the builds
        // (the same one, unless the first finished before the second arrived), and the version is queued once (counted below).
        var answers = await Task.WhenAll(RebuildAllAsync(""), RebuildAllAsync(""));
        Assert.All(answers, a => Assert.False(a["include_uploaded"]!.GetValue<bool>()));
        foreach (var answer in answers) await WaitForJobAsync(answer["job_id"]!.GetValue<long>());

        var rebuilt = await DocsBuildTests.WaitForBuildAsync(Http, Server.AdminToken, built.Name);
        Assert.True((rebuilt["status"]!.GetValue<string>(), rebuilt["toolchain"]!.GetValue<string>()) == ("built", NewToolchain), rebuilt.ToJsonString());
        Assert.Contains($"with toolchain {NewToolchain}", rebuilt["log"]!.GetValue<string>());
        Assert.True(rebuilt["docs_updated_at"]!.GetValue<DateTimeOffset>() > first["docs_updated_at"]!.GetValue<DateTimeOffset>(), rebuilt.ToJsonString());
        var page = await Http.GetAsync($"/docs/{built.Name}/0.1.0/{built.RustName}/struct.Rebuilt.html", cancellationToken: Cancel);
        Assert.True(page.Status == HttpStatusCode.OK, page.Describe());

        var kept = await StatusAsync(uploaded.Name);
        Assert.True((kept["source"]!.GetValue<string>(), kept["toolchain"]!.GetValue<string>()) == ("upload", "stable"), kept.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync($"/docs/{uploaded.Name}/0.1.0/{uploaded.RustName}/uploaded-marker.html", cancellationToken: Cancel)).Status);

        // Asked for: the uploaded docs are replaced by a build with the new toolchain.
        var withUploads = await RebuildAllAsync("?include_uploaded=true");
        Assert.True(withUploads["include_uploaded"]!.GetValue<bool>() && !withUploads["already_running"]!.GetValue<bool>(), withUploads.ToJsonString());
        await WaitForJobAsync(withUploads["job_id"]!.GetValue<long>());
        var replaced = await DocsBuildTests.WaitForBuildAsync(Http, Server.AdminToken, uploaded.Name);
        Assert.True((replaced["status"]!.GetValue<string>(), replaced["source"]!.GetValue<string>(), replaced["toolchain"]!.GetValue<string>()) == ("built", "build", NewToolchain), replaced.ToJsonString());
        var builtPage = await Http.GetAsync($"/docs/{uploaded.Name}/0.1.0/{uploaded.RustName}/struct.FromTheBuilder.html", cancellationToken: Cancel);
        Assert.True(builtPage.Status == HttpStatusCode.OK, builtPage.Describe());
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/docs/{uploaded.Name}/0.1.0/{uploaded.RustName}/uploaded-marker.html", cancellationToken: Cancel)).Status);

        // Every build this server ever queued: one per publish, one per version rebuilt; nothing built twice.
        var jobs = JsonNode.Parse((await Http.GetAsync("/api/v1/admin/jobs?limit=500", Server.AdminToken, cancellationToken: Cancel)).Body)!["jobs"]!.AsArray();
        Assert.Equal(4, jobs.Count(j => j!["kind"]!.GetValue<string>() == "docs.build"));
        Assert.Equal(0, (await AdminOverviewAsync())["counts"]!["outdated"]!.GetValue<long>());
        await DocsBuildTests.AssertScratchEmpty(Server.DataDir, Cancel);
    }

    private async Task<JsonNode> RebuildAllAsync(string query)
    {
        var answer = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/admin/docs/rebuild{query}"), Server.AdminToken, Cancel);
        Assert.True(answer.Status == HttpStatusCode.Accepted, answer.Describe());
        var body = JsonNode.Parse(answer.Body)!;
        Assert.Equal($"/api/v1/admin/jobs/{body["job_id"]!.GetValue<long>()}", answer.Message.Headers.Location?.ToString());
        return body;
    }

    /// <summary>Polls the rebuild-all job (the server's worker runs it) until it succeeded, with a deadline.</summary>
    private async Task WaitForJobAsync(long id)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var answer = await Http.GetAsync($"/api/v1/admin/jobs/{id}", Server.AdminToken, cancellationToken: Cancel);
            Assert.True(answer.Status == HttpStatusCode.OK, answer.Describe());
            var state = JsonNode.Parse(answer.Body)!["state"]!.GetValue<string>();
            if (state == "succeeded") return;
            Assert.True(state is "pending" or "running", answer.Body);
            Assert.True(DateTime.UtcNow < deadline, $"job {id} is still {state}");
            await Task.Delay(TimeSpan.FromMilliseconds(200), Cancel);
        }
    }

    private async Task<JsonNode> AdminOverviewAsync()
    {
        var answer = await Http.GetAsync("/api/v1/admin/docs", Server.AdminToken, cancellationToken: Cancel);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Describe());
        return JsonNode.Parse(answer.Body)!;
    }

    private async Task<JsonNode> StatusAsync(string name)
    {
        var answer = await Http.GetAsync($"/api/v1/docs/{name}/0.1.0/status", Server.AdminToken, cancellationToken: Cancel);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Describe());
        return JsonNode.Parse(answer.Body)!;
    }
}
