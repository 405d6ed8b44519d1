using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Notifications;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Tests.Support;
using GhostCrate.Mirror.Tests.Toolchains;
using GhostCrate.Mirror.Toolchains;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Mirror.Tests.Jobs;

/// <summary>
/// Mirror operations started from /admin/mirror and its API run as jobs on the server's queue against real upstreams
/// on 127.0.0.1 (a GhostCrate with published crates; the synthesized, gpg-signed dist tree): they finish with their
/// progress at its total, the page shows them, a failing upstream gives a failed run and a mirror.sync_failed event,
/// and the prerequisites (SSRF guard, keys) refuse before anything is queued.
/// </summary>
public sealed class MirrorJobTests(GpgKey key) : ProxiedUpstreamTest, IAsyncLifetime, IClassFixture<GpgKey>
{
    private readonly Gpg _gpg = key.Gpg;
    private readonly string _exports = TempDir.Create("mirror-exports");

    private Dictionary<string, string?> Settings(bool allowLoopback = true)
    {
        var settings = MirrorAdminClient.Settings();
        if (allowLoopback) settings["Mirror:UpstreamAllowedCidrs:0"] = "127.0.0.0/8";
        settings["Mirror:ExportDirectory"] = _exports;
        settings["Mirror:ExportKeyFile"] = _gpg.SecretKeyFile;
        settings["Mirror:ToolchainKeyFile"] = _gpg.PublicKeyFile;
        return settings;
    }

    /// <summary>A mirror directory ready to be served before its first sync (an empty legacy index/).</summary>
    private void Init(string download, params PublishedCrate[] crates)
    {
        Harness.Init(Upstream.SparseIndexUrl, download, new SelectionConfig { Crates = [.. crates.Select(c => c.Name)] });
        Directory.CreateDirectory(Path.Combine(Harness.Root, "index"));
    }

    /// <summary>
    /// Selects <paramref name="crate"/> and makes its download stall until the returned action lets it through (no
    /// stall timeout gives up on it first), so a run started now is still going when the test acts on it.
    /// </summary>
    private Action HoldDownloads(PublishedCrate crate)
    {
        Harness.Init(Upstream.SparseIndexUrl, DownloadViaProxy, new SelectionConfig { Crates = [crate.Name] }, MirrorHarness.FastRetries() with { StallTimeoutSeconds = 300 });
        Directory.CreateDirectory(Path.Combine(Harness.Root, "index"));
        var hold = true;
        Proxy.Plan = (path, _) => hold && path.EndsWith("/download", StringComparison.Ordinal) ? Fault.Stall : Fault.None;
        return () =>
        {
            hold = false;
            Proxy.ReleaseStalls();
        };
    }

    private Task DownloadStartedAsync() =>
        Eventually.TrueAsync(() => Proxy.CountWhere(p => p.EndsWith("/download", StringComparison.Ordinal)) > 0, "the sync did not start downloading");

    private static IReadOnlyList<JobRecord> Jobs(MirrorServer server) =>
        server.Services.GetRequiredService<IJobRepository>().ListAsync(null, 500, CancellationToken.None).GetAwaiter().GetResult();

    private static IReadOnlyList<JsonElement> Events(MirrorServer server, string type) =>
        Jobs(server).Where(j => j.Kind == RegistryEvent.JobKind).Select(j => JsonDocument.Parse(j.Payload).RootElement)
            .Where(e => e.GetProperty("type").GetString() == type).ToList();

    [Fact]
    public async Task A_sync_started_from_the_page_runs_as_a_job_reaches_its_total_and_the_page_shows_it()
    {
        var crates = new[] { await Upstream.PublishAsync("job-one", "1.0.0", padding: 4_000), await Upstream.PublishAsync("job-two", "1.0.0", padding: 9_000), await Upstream.PublishAsync("job-three", "1.0.0") };
        Init(DownloadViaProxy, crates);
        await using var server = await MirrorServer.StartAsync(Harness.Root, extra: Settings());
        using var admin = await MirrorAdminClient.SignInAsync(server);

        var posted = await admin.PostFormAsync("admin/mirror?handler=Start", new() { ["operation"] = "sync" });

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var location = posted.Headers.Location!.OriginalString;
        Assert.StartsWith("/admin/mirror?done=queued&run=", location);
        var id = long.Parse(location[(location.LastIndexOf('=') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var run = await admin.FinishedAsync(id);
        Assert.Equal("succeeded", run.GetProperty("state").GetString());
        Assert.Equal(3, run.GetProperty("files_total").GetInt64());
        Assert.Equal(3, run.GetProperty("files_done").GetInt64());
        Assert.Equal(crates.Sum(c => (long)c.Bytes.Length), run.GetProperty("bytes").GetInt64());
        Assert.Equal(0, run.GetProperty("failures").GetInt64());
        Assert.Equal(1, run.GetProperty("attempts").GetInt32());
        Assert.Equal("admin", run.GetProperty("requested_by").GetString());
        Assert.StartsWith("Sync complete: 3 file(s) downloaded", run.GetProperty("summary").GetString());
        foreach (var crate in crates)
        {
            Assert.True(Harness.HasVerified(crate));
            Assert.Equal(["1.0.0"], Harness.ServedVersions(crate.Name));
        }

        var page = await admin.Browser.GetStringAsync("admin/mirror");
        Assert.Contains($"data-run=\"{id}\" data-operation=\"sync\" data-state=\"succeeded\"", page);
        Assert.Contains("data-files-done=\"3\" data-files-total=\"3\"", page);
        Assert.Contains("href=\"/admin/mirror\"", page); // the main navigation links the page
        Assert.Contains("data-nav=\"toolchains\"", page); // and /toolchains, as a mirror is served
        // The charts of the last syncs: server-rendered SVG, one bar per finished sync, titled with its figures.
        Assert.Contains("<svg class=\"bar-chart\" data-chart=\"duration\"", page);
        Assert.Contains("<svg class=\"bar-chart\" data-chart=\"files\"", page);
        Assert.Contains("data-value=\"3\"", page);
        Assert.Contains($"<title>Run {id} (sync, succeeded): ", page);
        Assert.DoesNotContain("<script", page[page.IndexOf("data-charts=\"syncs\"", StringComparison.Ordinal)..page.IndexOf("<h2>Proxy</h2>", StringComparison.Ordinal)]);
        var succeeded = Assert.Single(Events(server, RegistryEventTypes.MirrorSyncSucceeded));
        Assert.Equal(id, succeeded.GetProperty("data").GetProperty("run_id").GetInt64());
        Assert.Empty(Events(server, RegistryEventTypes.MirrorSyncFailed));
        var audit = await admin.Api.GetStringAsync("api/v1/admin/audit");
        Assert.Contains("mirror.job_requested", audit);

        // A finished run cannot be cancelled; an unknown one is a 404.
        Assert.Equal(HttpStatusCode.Conflict, (await admin.Api.PostAsync($"api/v1/admin/mirror/runs/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Api.PostAsync("api/v1/admin/mirror/runs/999999/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task A_second_start_while_a_sync_runs_is_refused_from_the_api_and_the_form_and_only_one_job_runs()
    {
        var crate = await Upstream.PublishAsync("job-busy", "1.0.0", padding: 2_000);
        // The first run is still going when more are asked for.
        var release = HoldDownloads(crate);
        await using var server = await MirrorServer.StartAsync(Harness.Root, extra: Settings());
        using var admin = await MirrorAdminClient.SignInAsync(server);

        var first = await admin.StartAsync(new { operation = "sync" });
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await DownloadStartedAsync();

        var again = await admin.StartAsync(new { operation = "sync" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("still queued or running", await again.Content.ReadAsStringAsync());
        var form = await admin.PostFormAsync("admin/mirror?handler=Start", new() { ["operation"] = "export" });
        Assert.Equal(HttpStatusCode.Conflict, form.StatusCode);
        var page = await form.Content.ReadAsStringAsync();
        Assert.Contains("still queued or running", page);
        Assert.Contains("data-action=\"start-sync\" disabled", page);

        release();
        Assert.Equal("succeeded", (await admin.FinishedAsync(Id(first))).GetProperty("state").GetString());
        Assert.Single(Jobs(server), j => j.Kind == Core.MirrorJobs.MirrorJobPayload.JobKind);
        var runs = JsonDocument.Parse(await admin.Api.GetStringAsync("api/v1/admin/mirror/runs")).RootElement.GetProperty("runs");
        Assert.Single(runs.EnumerateArray());
    }

    [Fact]
    public async Task Cancel_stops_a_running_sync_keeps_nothing_half_done_and_the_next_run_finishes_it()
    {
        var crate = await Upstream.PublishAsync("job-cancel", "1.0.0", padding: 2_000);
        var release = HoldDownloads(crate);
        await using var server = await MirrorServer.StartAsync(Harness.Root, extra: Settings());
        using var admin = await MirrorAdminClient.SignInAsync(server);
        var first = Id(await admin.StartAsync(new { operation = "sync" }));
        await DownloadStartedAsync();

        var cancel = await admin.Api.PostAsync($"api/v1/admin/mirror/runs/{first}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var cancelled = await admin.FinishedAsync(first);
        Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());
        Assert.StartsWith("cancelled by an administrator", cancelled.GetProperty("summary").GetString());
        Assert.False(File.Exists(Harness.CratePath(crate)), "the stalled download was not kept");
        Assert.Empty(Harness.ServedVersions(crate.Name));
        Assert.Contains($"data-run=\"{first}\" data-operation=\"sync\" data-state=\"cancelled\"", await admin.Browser.GetStringAsync("admin/mirror"));

        release();
        var next = await admin.FinishedAsync(Id(await admin.StartAsync(new { operation = "sync" })));
        Assert.Equal("succeeded", next.GetProperty("state").GetString());
        Assert.True(Harness.HasVerified(crate));
    }

    [Fact]
    public async Task The_prerequisite_check_estimates_the_download_and_weighs_the_free_disk_against_it()
    {
        var crates = new[] { await Upstream.PublishAsync("job-est-a", "1.0.0", padding: 8_000), await Upstream.PublishAsync("job-est-b", "1.0.0") };
        Init(DownloadViaProxy, crates);
        await using (var server = await MirrorServer.StartAsync(Harness.Root, extra: Settings()))
        {
            using var admin = await MirrorAdminClient.SignInAsync(server);
            var checks = await CheckAsync(admin);

            Assert.True(checks.GetProperty("ready").GetBoolean(), checks.ToString());
            var estimate = Check(checks, "estimate");
            Assert.True(estimate.GetProperty("ok").GetBoolean());
            Assert.Contains("2 file(s) to download", estimate.GetProperty("detail").GetString());
            Assert.Contains("2 sized by the upstream", estimate.GetProperty("detail").GetString());
            Assert.Contains("the run needs about", Check(checks, "disk").GetProperty("detail").GetString());
            var freshness = Check(checks, "index freshness");
            Assert.True(freshness.GetProperty("ok").GetBoolean());
            Assert.Equal("nothing served yet: the sync fetches all 2 selected crate(s)", freshness.GetProperty("detail").GetString());
            var page = await admin.Browser.GetStringAsync("admin/mirror?check=sync");
            Assert.Contains("data-check=\"estimate\" data-ok=\"true\"", page);
            Assert.Contains("data-check=\"index freshness\" data-ok=\"true\"", page);
            Assert.Contains("data-check=\"disk\" data-ok=\"true\"", page);
            // Checking queues nothing and downloads nothing.
            Assert.All(crates, c => Assert.False(File.Exists(Harness.CratePath(c))));
            Assert.DoesNotContain(Jobs(server), j => j.Kind == Core.MirrorJobs.MirrorJobPayload.JobKind);
        }

        // A floor no disk meets: the check says what is wrong, and a start is refused with the same words.
        var settings = Settings();
        settings["Mirror:MinFreeBytes"] = (1L << 60).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using (var server = await MirrorServer.StartAsync(Harness.Root, extra: settings))
        {
            using var admin = await MirrorAdminClient.SignInAsync(server);
            var checks = await CheckAsync(admin);
            Assert.False(checks.GetProperty("ready").GetBoolean());
            var disk = Check(checks, "disk");
            Assert.False(disk.GetProperty("ok").GetBoolean());
            Assert.Contains("the run needs about", disk.GetProperty("detail").GetString());
            var refused = await admin.StartAsync(new { operation = "sync" });
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("Mirror:MinFreeBytes", await refused.Content.ReadAsStringAsync());
        }

        static async Task<JsonElement> CheckAsync(MirrorAdminClient admin) =>
            JsonDocument.Parse(await (await admin.Api.PostAsync("api/v1/admin/mirror/prerequisites", JsonContent(new { operation = "sync" }))).Content.ReadAsStringAsync()).RootElement;

        static JsonElement Check(JsonElement checks, string name) =>
            checks.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
    }

    [Fact]
    public async Task An_export_job_writes_a_signed_bundle_that_downloads_and_imports()
    {
        var crate = await Upstream.PublishAsync("job-export", "1.0.0", padding: 3_000);
        Init(DownloadViaProxy, crate);
        await using var server = await MirrorServer.StartAsync(Harness.Root, extra: Settings());
        using var admin = await MirrorAdminClient.SignInAsync(server);
        var sync = await admin.StartAsync(new { operation = "sync" });
        Assert.Equal(HttpStatusCode.Accepted, sync.StatusCode);
        Assert.Equal("succeeded", (await admin.FinishedAsync(Id(sync))).GetProperty("state").GetString());

        var export = await admin.StartAsync(new { operation = "export" });
        Assert.Equal(HttpStatusCode.Accepted, export.StatusCode);
        var run = await admin.FinishedAsync(Id(export));

        Assert.True(run.GetProperty("state").GetString() == "succeeded", run.GetProperty("error").ToString());
        var url = run.GetProperty("bundle_url").GetString()!;
        var bundle = await admin.Api.GetByteArrayAsync(url.TrimStart('/'));
        var written = Assert.Single(Directory.GetFiles(_exports, "*.tar"));
        Assert.Equal(await File.ReadAllBytesAsync(written, TestContext.Current.CancellationToken), bundle);
        var offline = TempDir.Create("mirror-job-import");
        try
        {
            var downloaded = Path.Combine(offline, "bundle.tar");
            await File.WriteAllBytesAsync(downloaded, bundle, TestContext.Current.CancellationToken);
            var (exit, output, error) = await MirrorHarness.CliAsync("mirror", "import", downloaded, "--into", Path.Combine(offline, "mirror"), "--trusted-key", _gpg.PublicKeyFile);
            Assert.True(exit == 0, output + error);
            Assert.True(File.Exists(new MirrorLayout(Path.Combine(offline, "mirror")).CrateFile(crate.Name, crate.Version)));
        }
        finally
        {
            TempDir.Delete(offline);
        }
        // Only a run that made a bundle has one to download.
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Api.GetAsync($"api/v1/admin/mirror/runs/{Id(sync)}/bundle")).StatusCode);
    }

    [Fact]
    public async Task A_sync_whose_downloads_fail_is_a_failed_run_with_a_mirror_sync_failed_event()
    {
        var crate = await Upstream.PublishAsync("job-broken", "1.0.0");
        Init(DownloadViaProxy, crate);
        Proxy.Plan = (path, _) => path.EndsWith("/download", StringComparison.Ordinal) ? Fault.ServerError : Fault.None;
        await using var server = await MirrorServer.StartAsync(Harness.Root, extra: Settings());
        using var admin = await MirrorAdminClient.SignInAsync(server);

        var posted = await admin.StartAsync(new { operation = "sync" });
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var run = await admin.FinishedAsync(Id(posted));

        Assert.Equal("failed", run.GetProperty("state").GetString());
        Assert.Equal(1, run.GetProperty("failures").GetInt64());
        Assert.Contains("job-broken 1.0.0", run.GetProperty("error").GetString());
        Assert.Contains("failed: job-broken 1.0.0", run.GetProperty("log").GetString());
        Assert.Empty(Harness.ServedVersions(crate.Name));
        var failed = Assert.Single(Events(server, RegistryEventTypes.MirrorSyncFailed));
        Assert.Equal("sync", failed.GetProperty("data").GetProperty("operation").GetString());
        Assert.Equal("failed", failed.GetProperty("data").GetProperty("state").GetString());
        // Not retried by the queue: the administrator decides when to run it again. (The run's row is written before
        // the worker records the job's outcome, so the job turns dead a moment after the run has finished.)
        await Eventually.TrueAsync(() => Jobs(server).Single(j => j.Kind == Core.MirrorJobs.MirrorJobPayload.JobKind).State == JobState.Dead,
            "the failed run's job did not end dead");
        var page = await admin.Browser.GetStringAsync("admin/mirror");
        Assert.Contains($"data-run=\"{Id(posted)}\" data-operation=\"sync\" data-state=\"failed\"", page);
    }

    [Fact]
    public async Task Prerequisites_refuse_an_internal_upstream_and_a_missing_key_and_nothing_is_queued()
    {
        var crate = await Upstream.PublishAsync("job-guarded", "1.0.0");
        Init(DownloadViaProxy, crate);
        var settings = Settings(allowLoopback: false);
        settings.Remove("Mirror:ToolchainKeyFile");
        await using var server = await MirrorServer.StartAsync(Harness.Root, extra: settings);
        using var admin = await MirrorAdminClient.SignInAsync(server);

        var checks = JsonDocument.Parse(await (await admin.Api.PostAsync("api/v1/admin/mirror/prerequisites",
            JsonContent(new { operation = "sync" }))).Content.ReadAsStringAsync()).RootElement;
        Assert.False(checks.GetProperty("ready").GetBoolean());
        var upstream = checks.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "upstream");
        Assert.False(upstream.GetProperty("ok").GetBoolean());
        Assert.Contains("Mirror:UpstreamAllowedCidrs", upstream.GetProperty("detail").GetString());
        Assert.True(checks.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "directory").GetProperty("ok").GetBoolean());

        var refused = await admin.StartAsync(new { operation = "sync" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("upstream", await refused.Content.ReadAsStringAsync());
        var toolchain = await admin.StartAsync(new { operation = "toolchain-sync", toolchain = new { hosts = new[] { SyntheticDist.Host } } });
        Assert.Equal(HttpStatusCode.Conflict, toolchain.StatusCode);
        Assert.Contains("Mirror:ToolchainKeyFile", await toolchain.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.StartAsync(new { operation = "format-disk" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.StartAsync(new { operation = "toolchain-sync" })).StatusCode);

        var page = await admin.Browser.GetStringAsync("admin/mirror?check=sync");
        Assert.Contains("data-check=\"upstream\" data-ok=\"false\"", page);
        var runs = JsonDocument.Parse(await admin.Api.GetStringAsync("api/v1/admin/mirror/runs")).RootElement;
        Assert.Empty(runs.GetProperty("runs").EnumerateArray());
        Assert.DoesNotContain(Jobs(server), j => j.Kind == Core.MirrorJobs.MirrorJobPayload.JobKind);
        Assert.Equal(0, Proxy.CountWhere(p => p.EndsWith("/download", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_toolchain_sync_job_mirrors_the_signed_dist_tree_and_toolchains_lists_it()
    {
        using var dist = new SyntheticDist(_gpg);
        await using var distServer = await StaticDistServer.StartAsync(dist.Root);
        Directory.CreateDirectory(Path.Combine(Harness.Root, "index"));
        await using var server = await MirrorServer.StartAsync(Harness.Root, extra: Settings());
        using var admin = await MirrorAdminClient.SignInAsync(server);

        var request = StableSync(distServer, SyntheticDist.Cross);
        async Task<JsonElement> FreshnessAsync()
        {
            var checks = JsonDocument.Parse(await (await admin.Api.PostAsync("api/v1/admin/mirror/prerequisites", JsonContent(request))).Content.ReadAsStringAsync()).RootElement;
            return checks.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "index freshness");
        }
        Assert.Equal("nothing served yet: the sync fetches all 1 channel(s)", (await FreshnessAsync()).GetProperty("detail").GetString());

        var posted = await admin.StartAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var run = await admin.FinishedAsync(Id(posted));

        Assert.True(run.GetProperty("state").GetString() == "succeeded", run.GetProperty("error").ToString() + run.GetProperty("log"));
        Assert.True(run.GetProperty("files_total").GetInt64() > 0);
        Assert.Equal(run.GetProperty("files_total").GetInt64(), run.GetProperty("files_done").GetInt64());
        Assert.StartsWith("1 of 1 channel(s) mirrored", run.GetProperty("summary").GetString());
        var listed = MirroredToolchains.List(new MirrorLayout(Harness.Root));
        Assert.Contains(listed, t => t.Channel == "stable" && t.Version == "1.95.0");
        var toolchains = await admin.Browser.GetStringAsync("toolchains");
        Assert.Contains("1.95.0", toolchains);
        Assert.Single(Events(server, RegistryEventTypes.MirrorSyncSucceeded));
        var fresh = await FreshnessAsync();
        Assert.True(fresh.GetProperty("ok").GetBoolean());
        Assert.Equal("current: none of the 1 served channel(s) changed upstream; a sync would change nothing", fresh.GetProperty("detail").GetString());
    }

    /// <summary>
    /// The bandwidth of the last syncs: a bar per run of the bytes it fetched (a first toolchain sync, a second with
    /// nothing new, a third that brings a new release), the same figures in a table beside the chart, and both agree
    /// with the runs' API and with the sizes of the archives each run downloaded.
    /// </summary>
    [Fact]
    public async Task The_page_charts_the_bytes_each_sync_fetched_and_lists_them_in_a_table()
    {
        using var dist = new SyntheticDist(_gpg);
        await using var distServer = await StaticDistServer.StartAsync(dist.Root);
        Directory.CreateDirectory(Path.Combine(Harness.Root, "index"));
        await using var server = await MirrorServer.StartAsync(Harness.Root, extra: Settings());
        using var admin = await MirrorAdminClient.SignInAsync(server);
        var request = StableSync(distServer);
        // rustc, cargo and the host's rust-std: the minimal profile's archives of the release published last.
        long MinimalArchiveBytes() => dist.Archives.Keys
            .Where(k => k.EndsWith($"-{SyntheticDist.Host}.tar.gz", StringComparison.Ordinal) && !k.Contains("/clippy-", StringComparison.Ordinal))
            .Sum(k => new FileInfo(dist.Full(k)).Length);
        async Task<(long Id, long Bytes)> SyncAsync()
        {
            var run = await admin.FinishedAsync(Id(await admin.StartAsync(request)));
            Assert.True(run.GetProperty("state").GetString() == "succeeded", run.ToString());
            return (run.GetProperty("id").GetInt64(), run.GetProperty("bytes").GetInt64());
        }

        var first = await SyncAsync();
        Assert.Equal(MinimalArchiveBytes(), first.Bytes);
        var unchanged = await SyncAsync();
        Assert.Equal(0, unchanged.Bytes);
        dist.Publish("1.96.0", "2026-05-28");
        var newer = await SyncAsync();
        Assert.Equal(MinimalArchiveBytes(), newer.Bytes);

        var page = await admin.Browser.GetStringAsync("admin/mirror");
        var chart = Regex.Match(page, "<svg class=\"bar-chart\" data-chart=\"bytes\".*?</svg>", RegexOptions.Singleline);
        Assert.True(chart.Success, "no bytes chart on /admin/mirror");
        Assert.Contains("role=\"img\" aria-label=\"Bytes each of the last syncs fetched from the upstream\"", chart.Value);
        var bars = Regex.Matches(chart.Value, "<rect class=\"chart-bar\" data-value=\"(\\d+)\"").Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal([first.Bytes, 0, newer.Bytes], bars);
        Assert.Contains($"<title>Run {first.Id} (toolchain-sync, succeeded): ", chart.Value);
        Assert.Contains(" fetched, ", chart.Value);

        var table = Regex.Match(page, "<details data-table=\"syncs\">.*?</details>", RegexOptions.Singleline);
        Assert.True(table.Success, "the charts have no table of their figures");
        foreach (var (id, bytes) in new[] { first, unchanged, newer })
            Assert.Matches($"<tr data-run=\"{id}\">.*?<td data-bytes=\"{bytes}\">", Regex.Replace(table.Value, @"\s+", " "));
    }

    /// <summary>A download that fails once with a 500 and then arrives: one retry, charted and in the table.</summary>
    [Fact]
    public async Task The_page_charts_the_retries_and_failures_of_each_sync_and_lists_them_in_the_table()
    {
        var crate = await Upstream.PublishAsync("job-retried", "1.0.0");
        Init(DownloadViaProxy, crate);
        Proxy.Plan = (path, count) => path.EndsWith("/download", StringComparison.Ordinal) && count == 1 ? Fault.ServerError : Fault.None;
        await using var server = await MirrorServer.StartAsync(Harness.Root, extra: Settings());
        using var admin = await MirrorAdminClient.SignInAsync(server);

        var run = await admin.FinishedAsync(Id(await admin.StartAsync(new { operation = "sync" })));

        Assert.True(run.GetProperty("state").GetString() == "succeeded", run.ToString());
        Assert.Equal(1, run.GetProperty("retries").GetInt64());
        Assert.Equal(0, run.GetProperty("failures").GetInt64());
        var id = run.GetProperty("id").GetInt64();
        var page = await admin.Browser.GetStringAsync("admin/mirror");
        var chart = Regex.Match(page, "<svg class=\"bar-chart\" data-chart=\"problems\".*?</svg>", RegexOptions.Singleline);
        Assert.True(chart.Success, "no retries and failures chart on /admin/mirror");
        Assert.Contains("<rect class=\"chart-bar\" data-value=\"1\"", chart.Value);
        Assert.Contains($"<title>Run {id} (sync, succeeded): 1 retry, 0 failed file(s)</title>", chart.Value);
        var table = Regex.Replace(Regex.Match(page, "<details data-table=\"syncs\">.*?</details>", RegexOptions.Singleline).Value, @"\s+", " ");
        Assert.Matches($"<tr data-run=\"{id}\">.*?<td data-retries=\"1\">1</td> <td data-failures=\"0\">0</td>", table);
    }

    [Fact]
    public async Task A_verify_run_reports_files_checked_problems_and_the_signature_status_of_the_served_manifests()
    {
        var crate = await Upstream.PublishAsync("job-verify", "1.0.0");
        Init(DownloadViaProxy, crate);
        using (var dist = new SyntheticDist(_gpg))
        await using (var distServer = await StaticDistServer.StartAsync(dist.Root))
        {
            var sync = await MirrorHarness.CliAsync("toolchain", "sync", Harness.Root, "--hosts", SyntheticDist.Host, "--dist-server", distServer.BaseAddress.AbsoluteUri, "--key", _gpg.PublicKeyFile);
            Assert.True(sync.Exit == 0, sync.Out + sync.Err);
        }
        Assert.True((await Harness.SyncAsync()).Complete);
        await using var server = await MirrorServer.StartAsync(Harness.Root, extra: Settings());
        using var admin = await MirrorAdminClient.SignInAsync(server);

        var clean = await admin.FinishedAsync(Id(await admin.StartAsync(new { operation = "verify" })));

        Assert.True(clean.GetProperty("state").GetString() == "succeeded", clean.ToString());
        Assert.Matches(@"^Checked \d+ file\(s\): 0 missing, 0 corrupt\. Signatures: 6 channel manifest\(s\) verified against the trusted key, 0 served without a signature, 0 failed\.$",
            clean.GetProperty("summary").GetString());

        // The stable manifest's .asc replaced by another key's signature of the same bytes: every hash still holds.
        using var stranger = new Gpg();
        var scratch = TempDir.Create("stranger-signature");
        try
        {
            var manifest = Path.Combine(Harness.Layout.ServedToolchainsDir, "dist", "channel-rust-stable.toml");
            File.Copy(manifest, Path.Combine(scratch, "m.toml"));
            stranger.SignDetached(Path.Combine(scratch, "m.toml"));
            File.Delete(manifest + ".asc"); // unlinked, never written through: the previous generation keeps its own
            File.Copy(Path.Combine(scratch, "m.toml.asc"), manifest + ".asc");
        }
        finally
        {
            TempDir.Delete(scratch);
        }

        var bad = await admin.FinishedAsync(Id(await admin.StartAsync(new { operation = "verify" })));

        Assert.Equal("failed", bad.GetProperty("state").GetString());
        Assert.Contains("0 missing, 0 corrupt. Signatures: 5 channel manifest(s) verified against the trusted key, 0 served without a signature, 1 failed.", bad.GetProperty("summary").GetString());
        Assert.Contains("bad signature: dist/channel-rust-stable.toml: dist/channel-rust-stable.toml is signed by key", bad.GetProperty("log").GetString());
        Assert.Contains("which is not a trusted key", bad.GetProperty("log").GetString());
        var page = await admin.Browser.GetStringAsync("admin/mirror");
        Assert.Contains("Signatures: 5 channel manifest(s) verified against the trusted key, 0 served without a signature, 1 failed.", page);
    }

    /// <summary>A toolchain-sync request: stable, the minimal profile, the synthesized host and <paramref name="targets"/>.</summary>
    private static object StableSync(StaticDistServer dist, params string[] targets) => new
    {
        operation = "toolchain-sync",
        toolchain = new { channels = new[] { "stable" }, hosts = new[] { SyntheticDist.Host }, targets, profile = "minimal", dist_server = dist.BaseAddress.AbsoluteUri },
    };

    private static long Id(HttpResponseMessage response) =>
        JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult()).RootElement.GetProperty("id").GetInt64();

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        TempDir.Delete(_exports);
    }
}
