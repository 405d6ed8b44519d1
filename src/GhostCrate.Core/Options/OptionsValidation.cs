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
    }

    public static IEnumerable<string> Validate(RegistryOptions registry)
    {
        if (registry.PublicUrl is { Length: > 0 } url && !IsHttpUrl(url)) yield return $"Registry:PublicUrl must be an absolute http(s) URL (got '{url}')";
        if (registry.MaxCrateSizeBytes <= 0) yield return $"Registry:MaxCrateSizeBytes must be positive (got {registry.MaxCrateSizeBytes})";
        if (registry.MaxMetadataSizeBytes <= 0) yield return $"Registry:MaxMetadataSizeBytes must be positive (got {registry.MaxMetadataSizeBytes})";
        if (registry.MaxUnpackedSizeBytes < registry.MaxCrateSizeBytes) yield return $"Registry:MaxUnpackedSizeBytes ({registry.MaxUnpackedSizeBytes}) must be at least Registry:MaxCrateSizeBytes ({registry.MaxCrateSizeBytes})";
        if (registry.MaxTarballEntries <= 0) yield return $"Registry:MaxTarballEntries must be positive (got {registry.MaxTarballEntries})";
        foreach (var allowed in registry.AllowedDependencyRegistries)
        {
            if (!IsHttpUrl(allowed.Replace("sparse+", "", StringComparison.Ordinal))) yield return $"Registry:AllowedDependencyRegistries contains '{allowed}', which is not an index URL";
        }
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
