namespace GhostCrate.Core.Options;

/// <summary>
/// Section Metrics: the Prometheus endpoint GET /metrics (text format 0.0.4). On by default; Enabled=false turns off
/// every meter listener too, so a node that does not collect metrics pays nothing for them on its hot paths.
/// </summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Must be at least this long: a scrape token is a password that a scraper sends on every request.</summary>
    public const int MinimumBearerTokenLength = 16;

    public bool Enabled { get; set; } = true;

    /// <summary>When set, /metrics answers 401 unless the request carries `Authorization: Bearer {token}`.</summary>
    public string? BearerToken { get; set; }

    public static IEnumerable<string> Validate(MetricsOptions options)
    {
        if (options.BearerToken is { } token && token.Length < MinimumBearerTokenLength)
            yield return $"{Section}:BearerToken must be at least {MinimumBearerTokenLength} characters long (or unset for an open /metrics)";
        if (options.BearerToken is { } t && t.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            yield return $"{Section}:BearerToken must not contain spaces or control characters";
    }
}
