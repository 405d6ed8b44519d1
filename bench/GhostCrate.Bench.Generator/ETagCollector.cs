namespace GhostCrate.Bench;

/// <summary>Fetches the ETag of each path once, so the 304 benchmark can send the validator each server handed out.</summary>
public static class ETagCollector
{
    public static async Task<int> RunAsync(Args args, CancellationToken cancellationToken)
    {
        var baseUrl = new Uri(args.Required("base"));
        var paths = File.ReadLines(args.Required("paths")).Take(args.Int("limit", 5000)).ToList();
        using var client = new HttpClient { BaseAddress = baseUrl };
        // An auth-required registry answers 401 without the token (sent raw, as cargo sends it).
        if (args.Optional("token") is { Length: > 0 } token) client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", token);
        var lines = new string[paths.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, paths.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            using var response = await client.GetAsync(paths[i], HttpCompletionOption.ResponseHeadersRead, ct);
            response.EnsureSuccessStatusCode();
            var etag = response.Headers.ETag?.ToString() ?? throw new InvalidOperationException($"{paths[i]} has no ETag");
            lines[i] = $"{paths[i]} {etag}";
        });
        await File.WriteAllLinesAsync(args.Required("out"), lines, cancellationToken);
        return 0;
    }
}
