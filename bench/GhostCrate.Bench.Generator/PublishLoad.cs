using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace GhostCrate.Bench;

/// <summary>
/// Sustained `cargo publish` load over HTTP: C concurrent publishers send new crates (each depending on a few
/// popular ones, so the dependency checks run) for S seconds. Prints one JSON object: publishes/s, p50, p99, errors.
/// </summary>
public static class PublishLoad
{
    public static async Task<int> RunAsync(Args args, CancellationToken cancellationToken)
    {
        var baseUrl = new Uri(args.Required("base"));
        var token = args.Required("token");
        var seconds = args.Int("seconds", 30);
        var concurrency = args.Int("concurrency", 4);
        var prefix = args.Optional("prefix") ?? $"bench-pub-{DateTime.UtcNow:HHmmss}";
        var popular = args.Optional("deps") is { } file
            ? File.ReadLines(file).Select(l => l.Split(' ')).Select(p => new DependencyPlan(p[0], p[1], "normal", false, null)).ToList()
            : [];

        using var client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(1) };
        var latencies = new List<double>();
        var errors = 0;
        var next = 0;
        var deadline = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            var random = new Random(Environment.CurrentManagedThreadId);
            while (deadline.Elapsed.TotalSeconds < seconds && !cancellationToken.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref next);
                var deps = popular.Count == 0 ? [] : Enumerable.Range(0, 3).Select(_ => popular[random.Next(popular.Count)]).DistinctBy(d => d.Name).ToList();
                var crate = new CratePlan(n, $"{prefix}-{n}", [new VersionPlan("1.0.0", deps, 1, false, 1500)], "A crate published under load", ["bench"]);
                var body = CrateFiles.PublishBody(crate, crate.Versions[0]);
                using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/crates/new") { Content = new ByteArrayContent(body) };
                request.Headers.TryAddWithoutValidation("Authorization", token);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                var watch = Stopwatch.StartNew();
                using var response = await client.SendAsync(request, cancellationToken);
                watch.Stop();
                var failure = response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
                lock (latencies)
                {
                    if (failure is null) latencies.Add(watch.Elapsed.TotalMilliseconds);
                    else if (errors++ == 0) Console.Error.WriteLine($"first failed publish: {failure}");
                }
            }
        }).ToList();
        await Task.WhenAll(workers);
        var elapsed = deadline.Elapsed.TotalSeconds;
        latencies.Sort();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            publishes = latencies.Count,
            errors,
            seconds = Math.Round(elapsed, 2),
            per_second = Math.Round(latencies.Count / elapsed, 1),
            p50_ms = Math.Round(Percentile(latencies, 50), 1),
            p99_ms = Math.Round(Percentile(latencies, 99), 1),
            max_ms = Math.Round(latencies.Count == 0 ? 0 : latencies[^1], 1),
        }));
        return errors == 0 ? 0 : 1;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
