using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using GhostCrate.Core.Storage;
using GhostCrate.Composition;
using GhostCrate.Configuration;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Publishing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Bench;

/// <summary>
/// Fills a GhostCrate data directory through its own services — the host's composition (Backends.AddGhostCrate with
/// GhostCrateSettings), PublishService with the admin's Principal, YankService — never through SQL, then exports
/// byte-identical index files and the .crate files for nginx.
/// </summary>
public static class Generator
{
    public const string AdminToken = "bench-admin-token-0123456789abcdef";

    public static async Task<int> RunAsync(Args args, CancellationToken cancellationToken)
    {
        var outDir = Path.GetFullPath(args.Required("out"));
        var crateCount = args.Int("crates", 10_000);
        var seed = args.Int("seed", 42);
        var parallel = args.Int("parallel", 4);
        var dataDir = Path.Combine(outDir, "data");
        if (Directory.Exists(dataDir)) throw new ArgumentException($"{dataDir} exists already; remove it first");
        Directory.CreateDirectory(outDir);

        var plan = RegistryPlan.Create(crateCount, seed);
        Console.WriteLine($"plan: {plan.Crates.Count} crates, {plan.VersionCount} versions, {plan.Crates.Sum(c => c.Versions.Count(v => v.Yanked))} to yank");

        var settings = LoadSettings(dataDir);
        var durable = args.Optional("durable") == "true";
        await using var services = BuildServices(settings, durable);
        await StartupTasks.EnsureSchemaAsync(services, settings, cancellationToken);
        await StartupTasks.BootstrapAdminAsync(services, settings, TextWriter.Null, cancellationToken);
        var auth = await services.GetRequiredService<TokenAuthenticator>().AuthenticateAsync(AdminToken, cancellationToken);
        var principal = auth.Principal ?? throw new InvalidOperationException($"the admin token did not authenticate: {auth.Failure}");

        var publishWatch = Stopwatch.StartNew();
        var published = await PublishAllAsync(plan, services, principal, parallel, cancellationToken);
        publishWatch.Stop();
        Console.WriteLine($"published {published} versions in {publishWatch.Elapsed.TotalSeconds:F1} s ({published / publishWatch.Elapsed.TotalSeconds:F0}/s)");

        var exportWatch = Stopwatch.StartNew();
        var blobRoot = settings.Storage.Provider == Core.Options.StorageProvider.FileSystem ? settings.Storage.Path : null;
        var exported = await Exporter.ExportAsync(plan, services, outDir, blobRoot, cancellationToken);
        exportWatch.Stop();
        Console.WriteLine($"exported {exported.IndexFiles} index files ({exported.IndexBytes / 1024 / 1024} MiB) and {exported.CrateFiles} .crate files in {exportWatch.Elapsed.TotalSeconds:F1} s");

        var project = LockfileProject.Write(plan, Path.Combine(outDir, "project"));
        Console.WriteLine($"lockfile project: {project.Roots} direct dependencies, {project.Closure} crates expected in Cargo.lock");

        await File.WriteAllTextAsync(Path.Combine(outDir, "manifest.json"), JsonSerializer.Serialize(new
        {
            crates = plan.Crates.Count,
            versions = plan.VersionCount,
            seed,
            generator_seconds = Math.Round(publishWatch.Elapsed.TotalSeconds, 1),
            publishes_per_second = Math.Round(published / publishWatch.Elapsed.TotalSeconds),
            index_files = exported.IndexFiles,
            index_bytes = exported.IndexBytes,
            crate_files = exported.CrateFiles,
            lockfile_roots = project.Roots,
            lockfile_closure = project.Closure,
        }, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        return 0;
    }

    /// <summary>The host's composition (what ToolServices does for the CLI verbs), optionally with the unsynced blob store.</summary>
    private static ServiceProvider BuildServices(GhostCrateSettings settings, bool durable)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddConsole());
        services.AddGhostCrate(settings);
        if (!durable)
        {
            var real = services.Single(d => d.ServiceType == typeof(IBlobStore));
            services.Remove(real);
            services.AddSingleton<IBlobStore>(sp => new UnsyncedBlobStore((IBlobStore)real.ImplementationFactory!(sp), settings.Storage.Path!));
        }
        return services.BuildServiceProvider();
    }

    public static GhostCrateSettings LoadSettings(string dataDir)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataDir"] = dataDir,
            ["Urls"] = "http://127.0.0.1:8000",
            ["ADMIN_TOKEN"] = AdminToken,
        }).Build();
        var (settings, errors) = GhostCrateSettings.Load(config, Directory.GetCurrentDirectory());
        return settings ?? throw new ArgumentException(string.Join("; ", errors));
    }

    /// <summary>
    /// Crates publish in parallel, each one's versions in order; a crate first waits for the crates it depends on
    /// (always earlier ones, so already started), because PublishService rejects dependencies that do not exist yet.
    /// </summary>
    private static async Task<int> PublishAllAsync(RegistryPlan plan, IServiceProvider services, Principal principal, int parallel, CancellationToken cancellationToken)
    {
        var publisher = services.GetRequiredService<PublishService>();
        var yanks = services.GetRequiredService<YankService>();
        var byName = plan.Crates.ToDictionary(c => c.Name, c => c.Index, StringComparer.Ordinal);
        var done = plan.Crates.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var count = 0;
        var progress = Stopwatch.StartNew();
        var failures = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(plan.Crates, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (crate, ct) =>
        {
            try
            {
                var deps = crate.Versions.SelectMany(v => v.Deps).Select(d => byName[d.Name]).Distinct();
                foreach (var dep in deps) await done[dep].Task.WaitAsync(ct);
                foreach (var version in crate.Versions)
                {
                    await using var body = new MemoryStream(CrateFiles.PublishBody(crate, version), writable: false);
                    var result = await publisher.PublishAsync(body, principal, ct);
                    if (result.Error is { } error) throw new InvalidOperationException($"publishing {crate.Name} {version.Version} failed: {error.Kind} {error.Detail}");
                    var n = Interlocked.Increment(ref count);
                    if (n % 5000 == 0) Console.WriteLine($"  {n} versions published ({n / progress.Elapsed.TotalSeconds:F0}/s)");
                }
                foreach (var version in crate.Versions.Where(v => v.Yanked))
                {
                    var result = await yanks.SetYankedAsync(crate.Name, version.Version, true, principal, ct);
                    if (result.Error is { } error) throw new InvalidOperationException($"yanking {crate.Name} {version.Version} failed: {error.Detail}");
                }
                done[crate.Index].TrySetResult();
            }
            catch (Exception ex)
            {
                failures.Enqueue(ex.Message);
                done[crate.Index].TrySetException(ex);
                throw;
            }
        });
        return count;
    }
}
