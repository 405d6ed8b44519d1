namespace GhostCrate.EndToEnd.Infrastructure;

/// <summary>Which database and blob store the servers of this test run use.</summary>
public enum BackendKind
{
    /// <summary>SQLite file + file-system blobs under the data directory (the embedded default).</summary>
    Sqlite,

    /// <summary>PostgreSQL (a fresh database per server) + S3 (a fresh bucket per server).</summary>
    PostgresS3,
}

/// <summary>
/// The backend lane, chosen by GHOSTCRATE_E2E_BACKEND (sqlite | postgres-s3; default sqlite). The postgres-s3 lane
/// needs GHOSTCRATE_TEST_POSTGRES (an Npgsql connection string or postgres:// URL of a server where we may CREATE
/// DATABASE) and GHOSTCRATE_TEST_S3_URL (an S3-compatible endpoint accepting S3RVER/S3RVER); without them every
/// test of the lane is skipped, not failed.
/// </summary>
public sealed record Lane(BackendKind Kind, string? PostgresConnectionString, string? S3Url, string? UnavailableReason)
{
    public const string BackendVariable = "GHOSTCRATE_E2E_BACKEND";
    public const string PostgresVariable = "GHOSTCRATE_TEST_POSTGRES";
    public const string S3Variable = "GHOSTCRATE_TEST_S3_URL";
    public const string S3AccessKey = "S3RVER";
    public const string S3SecretKey = "S3RVER";
    public const string S3Region = "us-east-1";

    public static Lane Current { get; } = FromEnvironment();

    public static Lane FromEnvironment()
    {
        var backend = Environment.GetEnvironmentVariable(BackendVariable)?.Trim().ToLowerInvariant();
        switch (backend)
        {
            case null or "" or "sqlite":
                return new Lane(BackendKind.Sqlite, null, null, null);
            case "postgres-s3" or "postgres" or "pg-s3":
                var pg = NonEmpty(Environment.GetEnvironmentVariable(PostgresVariable));
                var s3 = NonEmpty(Environment.GetEnvironmentVariable(S3Variable));
                var missing = new List<string>();
                if (pg is null)
                {
                    missing.Add(PostgresVariable);
                }

                if (s3 is null)
                {
                    missing.Add(S3Variable);
                }

                var reason = missing.Count == 0
                    ? null
                    : $"postgres-s3 lane needs {string.Join(" and ", missing)} (start scripts/services/postgres.sh and s3.sh, or run scripts/test.sh)";
                return new Lane(BackendKind.PostgresS3, pg, s3, reason);
            default:
                throw new InvalidOperationException($"{BackendVariable}='{backend}' is not one of: sqlite, postgres-s3");
        }
    }

    public string Name => Kind == BackendKind.Sqlite ? "sqlite" : "postgres-s3";

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
