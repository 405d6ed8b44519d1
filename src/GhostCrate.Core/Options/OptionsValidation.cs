namespace GhostCrate.Core.Options;

/// <summary>
/// Start-up validation of every setting. Each problem names the configuration key so a bad deployment stops with
/// one line that says what to fix (rather than failing on the first request).
/// </summary>
public static class OptionsValidation
{
    public static IEnumerable<string> Validate(DatabaseOptions database)
    {
        if (database.Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(database.ConnectionString))
        {
            yield return "Database:ConnectionString is required when Database:Provider is Postgres (e.g. Host=127.0.0.1;Username=ghostcrate;Password=...;Database=ghostcrate)";
        }
    }

    public static IEnumerable<string> Validate(StorageOptions storage)
    {
        if (storage.Provider == StorageProvider.S3)
        {
            if (string.IsNullOrWhiteSpace(storage.S3.Bucket)) yield return "Storage:S3:Bucket is required when Storage:Provider is S3";
            if (storage.S3.ServiceUrl is { Length: > 0 } url && !IsHttpUrl(url)) yield return $"Storage:S3:ServiceUrl must be an absolute http(s) URL (got '{url}')";
            if (string.IsNullOrWhiteSpace(storage.S3.ServiceUrl) && string.IsNullOrWhiteSpace(storage.S3.Region)) yield return "Storage:S3:Region is required when Storage:S3:ServiceUrl is not set";
            if (string.IsNullOrEmpty(storage.S3.AccessKeyId) != string.IsNullOrEmpty(storage.S3.SecretAccessKey))
            {
                yield return "Storage:S3:AccessKeyId and Storage:S3:SecretAccessKey must be set together (or both left empty to use the AWS credential chain)";
            }
        }
        else if (storage.S3.PresignedDownloads)
        {
            yield return "Storage:S3:PresignedDownloads needs Storage:Provider S3 (the file store has no URLs to hand out)";
        }
        // Short-lived on purpose: whoever holds the URL can fetch the file until it expires, token or not.
        if (storage.S3.PresignedDownloadSeconds is < 1 or > MaxPresignedDownloadSeconds)
        {
            yield return $"Storage:S3:PresignedDownloadSeconds must be between 1 and {MaxPresignedDownloadSeconds} (got {storage.S3.PresignedDownloadSeconds})";
        }
    }

    /// <summary>One hour: a download URL is followed at once by the client that asked for it.</summary>
    public const int MaxPresignedDownloadSeconds = 3600;

    public static IEnumerable<string> Validate(RegistryOptions registry)
    {
        if (registry.PublicUrl is { Length: > 0 } url && !IsHttpUrl(url)) yield return $"Registry:PublicUrl must be an absolute http(s) URL (got '{url}')";
        for (var i = 0; i < registry.AllowedHosts.Count; i++)
        {
            if (!IsHostPattern(registry.AllowedHosts[i]))
                yield return $"Registry:AllowedHosts:{i} must be a host name without scheme or port, such as crates.example.com or *.example.com (got '{registry.AllowedHosts[i]}')";
        }
        if (registry.MaxCrateSizeBytes <= 0) yield return $"Registry:MaxCrateSizeBytes must be positive (got {registry.MaxCrateSizeBytes})";
        if (registry.MaxMetadataSizeBytes <= 0) yield return $"Registry:MaxMetadataSizeBytes must be positive (got {registry.MaxMetadataSizeBytes})";
        if (registry.MaxUnpackedSizeBytes < registry.MaxCrateSizeBytes) yield return $"Registry:MaxUnpackedSizeBytes ({registry.MaxUnpackedSizeBytes}) must be at least Registry:MaxCrateSizeBytes ({registry.MaxCrateSizeBytes})";
        if (registry.IndexCacheMegabytes < 0) yield return $"Registry:IndexCacheMegabytes must be 0 (off) or positive (got {registry.IndexCacheMegabytes})";
        if (registry.DownloadCacheMegabytes < 0) yield return $"Registry:DownloadCacheMegabytes must be 0 (off) or positive (got {registry.DownloadCacheMegabytes})";
        if (registry.MaxTarballEntries <= 0) yield return $"Registry:MaxTarballEntries must be positive (got {registry.MaxTarballEntries})";
        foreach (var allowed in registry.AllowedDependencyRegistries)
        {
            if (!IsHttpUrl(allowed.Replace("sparse+", "", StringComparison.Ordinal))) yield return $"Registry:AllowedDependencyRegistries contains '{allowed}', which is not an index URL";
        }
    }

    public static IEnumerable<string> Validate(IdentityOptions identity)
    {
        if (identity.SessionMinutes <= 0) yield return $"Identity:SessionMinutes must be positive (got {identity.SessionMinutes})";
        if (identity.MaxTokenLifetimeDays is <= 0) yield return $"Identity:MaxTokenLifetimeDays must be positive when set (got {identity.MaxTokenLifetimeDays})";
        if (identity.MaxTokensPerUser <= 0) yield return $"Identity:MaxTokensPerUser must be positive (got {identity.MaxTokensPerUser})";
        if (identity.OwnerInvitationDays is < 1 or > 365) yield return $"Identity:OwnerInvitationDays must be from 1 to 365 (got {identity.OwnerInvitationDays})";
        if (identity.MinPasswordLength < 8) yield return $"Identity:MinPasswordLength must be at least 8 (got {identity.MinPasswordLength})";
        foreach (var (key, sso) in identity.Sso)
        {
            var at = $"Identity:Sso:{key}";
            if (key.Length is 0 or > 32 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) yield return $"{at}: provider keys are 1-32 ASCII letters, digits, '-' or '_' (they appear in /login/{{key}})";
            if (string.IsNullOrWhiteSpace(sso.ClientId)) yield return $"{at}:ClientId is required";
            if (string.IsNullOrWhiteSpace(sso.ClientSecret)) yield return $"{at}:ClientSecret is required";
            switch (sso.Type)
            {
                case SsoProviderType.Oidc when string.IsNullOrWhiteSpace(sso.Authority):
                    yield return $"{at}:Authority is required for an Oidc provider (the issuer URL)";
                    break;
                case SsoProviderType.EntraId when string.IsNullOrWhiteSpace(sso.TenantId) && string.IsNullOrWhiteSpace(sso.Authority):
                    yield return $"{at}:TenantId is required for an EntraId provider";
                    break;
            }
            if (sso.Authority is { Length: > 0 } authority && !IsHttpUrl(authority)) yield return $"{at}:Authority must be an absolute http(s) URL (got '{authority}')";
            else if (sso.Authority is { Length: > 0 } secure && sso.RequireHttps && !secure.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                yield return $"{at}:Authority must use https (or set {at}:RequireHttps=false for a local test provider)";
            if (sso.ApiUrl is { Length: > 0 } api && !IsHttpUrl(api)) yield return $"{at}:ApiUrl must be an absolute http(s) URL (got '{api}')";
        }
    }

    public static IEnumerable<string> Validate(RateLimitOptions limits)
    {
        foreach (var (name, rule) in new[]
        {
            (nameof(limits.LoginPerAddress), limits.LoginPerAddress), (nameof(limits.LoginPerUser), limits.LoginPerUser),
            (nameof(limits.TokenCreationPerAddress), limits.TokenCreationPerAddress), (nameof(limits.TokenCreationPerCaller), limits.TokenCreationPerCaller),
            (nameof(limits.PublishPerAddress), limits.PublishPerAddress), (nameof(limits.PublishPerToken), limits.PublishPerToken),
        })
        {
            if (rule.Permits <= 0 || rule.WindowSeconds <= 0) yield return $"RateLimits:{name} needs Permits and WindowSeconds above 0 (got {rule.Permits} per {rule.WindowSeconds}s)";
        }
    }

    /// <summary>
    /// What Registry:AllowedHosts accepts: a DNS name, an IPv4 address or a bracketed IPv6 address, optionally with a
    /// leading `*.` (RFC 9110 §7.2: the Host header is uri-host[:port]; ports are not compared). A lone `*` would allow
    /// every host and defeat the setting, so it is refused.
    /// </summary>
    private static bool IsHostPattern(string value)
    {
        var host = value.StartsWith("*.", StringComparison.Ordinal) ? value[2..] : value;
        if (host.Length is 0 or > 253) return false;
        if (host.StartsWith('[') && host.EndsWith(']')) return System.Net.IPAddress.TryParse(host[1..^1], out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        return Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4;
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
