namespace GhostCrate.Bench;

/// <summary>
/// GETs every distinct path of a list once and reads each body to the end, a few at a time, so a server has every
/// file in its caches before a measurement (a proxy mount fetches each from its upstream here). Fails on the first
/// answer that is not 2xx, naming the path, so a warm-up that did not warm is never measured.
/// </summary>
public static class Warm
{
    public static async Task<int> RunAsync(Args args, CancellationToken cancellationToken)
    {
        var baseUrl = new Uri(args.Required("base"));
        var paths = File.ReadLines(args.Required("paths"))
            .Select(line => line.Split(' ', 2)[0])
            .Where(path => path.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        using var client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        if (args.Optional("token") is { Length: > 0 } token) client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", token);
        var bytes = 0L;
        await Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = args.Int("parallel", 8), CancellationToken = cancellationToken }, async (path, ct) =>
        {
            using var response = await client.GetAsync(path, HttpCompletionOption.ResponseContentRead, ct);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}");
            Interlocked.Add(ref bytes, response.Content.Headers.ContentLength ?? 0);
        });
        Console.Error.WriteLine($"warmed {paths.Count} paths ({bytes / 1024} KiB) from {baseUrl}");
        return 0;
    }
}
