using GhostCrate.Core.MirrorJobs;
using GhostCrate.Core.Proxy;
using GhostCrate.Web.Ui;
using GhostCrate.Web.Ui.OfflineMirror;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Pages.Admin;

/// <summary>
/// The offline mirror (Mirror:Directory: its served index and the running or last `mirror sync`, live), the mirror
/// operations this server runs as jobs (start, check prerequisites, follow, cancel, download an export), and the
/// crates.io proxy per upstream (reachability, cache size and hit counters). Sections refresh themselves (htmx) while
/// the page is open, every 2 s while something runs; without JavaScript the page reloads itself meanwhile. Starting and
/// cancelling are POSTs (antiforgery) answered with a redirect back here, so a reload does not start a second run.
/// ?probe=true asks each upstream for its config.json first; ?check=OPERATION shows that operation's prerequisites.
/// </summary>
public sealed class MirrorModel(MirrorJobService jobs) : AdminPageModel
{
    /// <summary>A running run whose heartbeat is older than this is shown as stopped (its node died; the job's lease will hand it on).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

    public IReadOnlyList<UpstreamStatus> Upstreams { get; private set; } = [];
    public bool Configured { get; private set; }
    public IReadOnlyList<OfflineMirrorStatus> OfflineMirrors { get; private set; } = [];
    public MirrorJobsOverview? Jobs { get; private set; }
    public string? CheckedOperation { get; private set; }
    public IReadOnlyList<PrerequisiteCheck> Checks { get; private set; } = [];

    [BindProperty(SupportsGet = true)]
    public ToolchainForm Toolchain { get; set; } = new();

    public bool SyncRunning => OfflineMirrors.Any(m => m.State == "running") || JobActive;
    public bool JobActive => Jobs?.Runs.Any(r => !r.Finished) ?? false;

    /// <summary>The finished crate and toolchain syncs among the newest runs, oldest first: the bars of the charts.</summary>
    public IReadOnlyList<MirrorRun> ChartedRuns => (Jobs?.Runs ?? [])
        .Where(r => r.Finished && r.StartedAt is not null && r.FinishedAt is not null && r.Operation is MirrorOperations.Sync or MirrorOperations.ToolchainSync)
        .Reverse().ToList();

    public static TimeSpan Duration(MirrorRun run) => run.FinishedAt!.Value - run.StartedAt!.Value;

    public static string ChartTitle(MirrorRun run) =>
        $"Run {run.Id} ({run.Operation}, {run.State}): {Duration(run).TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)} s, " +
        $"{Format.Count(run.Progress.FilesDone)} file(s), {Format.Bytes(run.Progress.Bytes)}, {Format.Plural(run.Progress.Failures, "failure")}";

    /// <summary>The run's bytes fetched over its whole duration (what the upstream gave this mirror on average).</summary>
    public static long AverageRate(MirrorRun run) =>
        Duration(run).TotalSeconds is var seconds and > 0 ? (long)(run.Progress.Bytes / seconds) : run.Progress.Bytes;

    public static string BytesTitle(MirrorRun run) =>
        $"Run {run.Id} ({run.Operation}, {run.State}): {Format.Bytes(run.Progress.Bytes)} fetched, {Format.Bytes(AverageRate(run))}/s on average";

    public static string ProblemsTitle(MirrorRun run) =>
        $"Run {run.Id} ({run.Operation}, {run.State}): {Format.Count(run.Progress.Retries)} {(run.Progress.Retries == 1 ? "retry" : "retries")}, " +
        $"{Format.Count(run.Progress.Failures)} failed file(s)";

    public bool IsStale(MirrorRun run) => run.State == MirrorRunStates.Running && Now - run.UpdatedAt > StaleAfter;

    public async Task<IActionResult> OnGetAsync(bool? probe, string? check, string? done, long? run, CancellationToken cancellationToken)
    {
        if (done == "queued" && run is { } queued) StatusMessage = $"Mirror run {queued} queued; its progress shows below.";
        if (done == "cancel" && run is { } cancelled) StatusMessage = $"Mirror run {cancelled} will stop at its next heartbeat; finished files are kept.";
        if (check is { Length: > 0 })
        {
            var result = await jobs.CheckAsync(Caller, JobRequest(check, incremental: false), cancellationToken);
            if (result.Error is { } error) ErrorMessage = error.Detail;
            else
            {
                CheckedOperation = check;
                Checks = result.Value!;
            }
        }
        await LoadAsync(probe ?? false, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostStartAsync(string operation, bool incremental, CancellationToken cancellationToken)
    {
        var result = await jobs.RequestAsync(Caller, JobRequest(operation, incremental), cancellationToken);
        if (result.Error is { } error)
        {
            await LoadAsync(false, cancellationToken);
            return Failed(error);
        }
        return Redirect($"/admin/mirror?done=queued&run={result.Value!.Id}");
    }

    public async Task<IActionResult> OnPostCancelAsync(long id, CancellationToken cancellationToken)
    {
        var result = await jobs.CancelAsync(Caller, id, cancellationToken);
        if (result.Error is { } error)
        {
            await LoadAsync(false, cancellationToken);
            return Failed(error);
        }
        return Redirect($"/admin/mirror?done=cancel&run={id}");
    }

    private MirrorJobRequest JobRequest(string operation, bool incremental) =>
        new(operation, operation == MirrorOperations.ToolchainSync ? Toolchain.ToParameters() : null, incremental && operation == MirrorOperations.Export);

    private async Task LoadAsync(bool probe, CancellationToken cancellationToken)
    {
        OfflineMirrors = HttpContext.RequestServices.GetRequiredService<OfflineMirrorStatusService>().Get();
        var overview = await jobs.OverviewAsync(Caller, 20, cancellationToken);
        Jobs = overview.Value;
        var proxy = HttpContext.RequestServices.GetService<ProxyStatusService>();
        Configured = proxy is not null;
        if (proxy is not null) Upstreams = await proxy.GetAsync(probe, cancellationToken);
    }

    /// <summary>The toolchain sync form: comma-separated lists, as the CLI's flags take them.</summary>
    public sealed class ToolchainForm
    {
        public string? Channels { get; set; } = "stable";
        public string? Hosts { get; set; }
        public string? Targets { get; set; }
        public string? Profile { get; set; } = "default";
        public string? Components { get; set; }
        public string? DistServer { get; set; }
        public int? KeepStable { get; set; }

        public ToolchainJobParameters ToParameters() => new(List(Channels), List(Hosts), List(Targets), Profile, List(Components), DistServer, KeepStable);

        private static List<string> List(string? text) =>
            (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }
}
