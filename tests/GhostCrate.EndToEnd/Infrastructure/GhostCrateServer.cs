using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Npgsql;

namespace GhostCrate.EndToEnd.Infrastructure;

/// <summary>Per-server switches.</summary>
public sealed record ServerOptions
{
    /// <summary>GHOSTCRATE_Registry__AuthRequired=true: every index, download and search request needs a token.</summary>
    public bool AuthRequired { get; init; }

    /// <summary>
    /// GHOSTCRATE_Registry__PublicUrl with "{port}" replaced by the port the server gets (e.g. "http://localhost:{port}",
    /// as behind a proxy the registry is reached under another name than the one it listens on).
    /// </summary>
    public string? PublicUrlTemplate { get; init; }

    /// <summary>More GHOSTCRATE_* settings.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Runs after the data directory (and database) exist and before `serve` starts (e.g. `backup restore` into it).</summary>
    public Func<GhostCrateServer, Task>? BeforeStart { get; init; }
}

/// <summary>
/// One real `ghostcrate serve` process on a free 127.0.0.1 port with its own data directory, and, in the
/// postgres-s3 lane, its own PostgreSQL database and S3 bucket. Its console output is kept so a failing test can show
/// it. Disposing kills the process and drops the database.
/// </summary>
public sealed class GhostCrateServer : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    public static readonly TimeSpan CliTimeout = TimeSpan.FromMinutes(2);

    private readonly StringBuilder _log = new();
    private readonly Dictionary<string, string?> _environment;
    private readonly string? _postgresAdminConnectionString;
    private Process? _process;
    private string? _publicUrlTemplate;

    private GhostCrateServer(Lane lane, string root, Dictionary<string, string?> environment, string adminToken,
        string? databaseName, string? postgresAdminConnectionString, string? bucket)
    {
        Lane = lane;
        Root = root;
        _environment = environment;
        AdminToken = adminToken;
        DatabaseName = databaseName;
        _postgresAdminConnectionString = postgresAdminConnectionString;
        Bucket = bucket;
        DataDir = Path.Combine(root, "data");
        WorkDir = Path.Combine(root, "work");
        Directory.CreateDirectory(DataDir);
        Directory.CreateDirectory(WorkDir);
    }

    public Lane Lane { get; }
    public string Root { get; }
    public string DataDir { get; }
    public string WorkDir { get; }
    public string AdminToken { get; }
    public string? DatabaseName { get; }
    public string? Bucket { get; }
    public int Port { get; private set; }
    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    /// <summary>The value cargo wants in CARGO_REGISTRIES_GHOSTCRATE_INDEX.</summary>
    public string CargoIndexUrl => $"sparse+http://127.0.0.1:{Port}/index/";

    public RegistryClient Http { get; private set; } = null!;

    /// <summary>Everything the server printed so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public int LogLength
    {
        get
        {
            lock (_log)
            {
                return _log.Length;
            }
        }
    }

    public string LogSince(int mark)
    {
        lock (_log)
        {
            return mark <= _log.Length ? _log.ToString(mark, _log.Length - mark) : _log.ToString();
        }
    }

    public static async Task<GhostCrateServer> StartAsync(ServerOptions options, CancellationToken cancellationToken = default)
    {
        var lane = Lane.Current;
        if (lane.UnavailableReason is not null)
        {
            throw new InvalidOperationException(lane.UnavailableReason);
        }

        var id = Ids.New();
        var root = TempDirs.Create($"server-{id}");
        var adminToken = "gce2e" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);

        // The server must see only the settings of this test, never the developer's or CI's GHOSTCRATE_* variables.
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (key.StartsWith("GHOSTCRATE_", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                || key is "DOTNET_URLS" or "URLS")
            {
                environment[key] = null;
            }
        }

        environment["DOTNET_NOLOGO"] = "1";
        environment["GHOSTCRATE_ADMIN_TOKEN"] = adminToken;
        environment["GHOSTCRATE_ADMIN_PASSWORD"] = "pw-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        if (options.AuthRequired)
        {
            environment["GHOSTCRATE_Registry__AuthRequired"] = "true";
        }

        string? databaseName = null;
        string? adminConnectionString = null;
        string? bucket = null;
        if (lane.Kind == BackendKind.PostgresS3)
        {
            databaseName = "gc_e2e_" + id;
            adminConnectionString = Postgres.Normalize(lane.PostgresConnectionString!);
            await Postgres.CreateDatabaseAsync(adminConnectionString, databaseName, cancellationToken);
            var serverDb = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = databaseName };
            environment["GHOSTCRATE_Database__Provider"] = "Postgres";
            environment["GHOSTCRATE_Database__ConnectionString"] = serverDb.ConnectionString;

            bucket = "gc-e2e-" + id;
            environment["GHOSTCRATE_Storage__Provider"] = "S3";
            environment["GHOSTCRATE_Storage__S3__ServiceUrl"] = lane.S3Url;
            environment["GHOSTCRATE_Storage__S3__Bucket"] = bucket;
            environment["GHOSTCRATE_Storage__S3__AccessKeyId"] = Lane.S3AccessKey;
            environment["GHOSTCRATE_Storage__S3__SecretAccessKey"] = Lane.S3SecretKey;
            environment["GHOSTCRATE_Storage__S3__CreateBucket"] = "true";
            environment["GHOSTCRATE_Storage__S3__Region"] = Lane.S3Region;
        }

        foreach (var (key, value) in options.Settings)
        {
            environment[key] = value;
        }

        var server = new GhostCrateServer(lane, root, environment, adminToken, databaseName, adminConnectionString, bucket)
        {
            _publicUrlTemplate = options.PublicUrlTemplate,
        };
        try
        {
            if (lane.Kind == BackendKind.PostgresS3)
            {
                var migrate = await server.RunCliAsync(["migrate", "--data-dir", server.DataDir], cancellationToken: cancellationToken);
                if (!migrate.Succeeded)
                {
                    throw new InvalidOperationException($"`ghostcrate migrate` failed.\n{migrate.Describe()}");
                }
            }

            if (options.BeforeStart is { } beforeStart)
            {
                await beforeStart(server);
            }

            await server.LaunchAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs `ghostcrate VERB ...` against this server's data directory, database and storage.</summary>
    public Task<ProcessResult> RunCliAsync(IReadOnlyList<string> arguments, string? standardInput = null,
        CancellationToken cancellationToken = default, IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = _environment;
        if (settings is not null)
        {
            // Per-run overrides (e.g. an S3 endpoint behind a test proxy), leaving the server's own settings alone.
            environment = new Dictionary<string, string?>(_environment, StringComparer.Ordinal);
            foreach (var (key, value) in settings)
            {
                environment[key] = value;
            }
        }

        return ProcessRunner.RunAsync("dotnet", [ServerBinary.Path, .. arguments], WorkDir, environment, standardInput,
            CliTimeout, cancellationToken);
    }

    /// <summary>An Npgsql connection string for this server's database (postgres-s3 lane only).</summary>
    public string PostgresConnectionString =>
        new NpgsqlConnectionStringBuilder(_postgresAdminConnectionString ?? throw new InvalidOperationException("not on the postgres-s3 lane"))
        {
            Database = DatabaseName,
        }.ConnectionString;

    /// <summary>`ghostcrate admin user add NAME --password-stdin`.</summary>
    public async Task CreateUserAsync(string name, bool admin = false, CancellationToken cancellationToken = default)
    {
        List<string> args = ["admin", "user", "add", name, "--password-stdin", "--data-dir", DataDir];
        if (admin)
        {
            args.Add("--admin");
        }

        var result = await RunCliAsync(args, "pw-" + Ids.New() + Ids.New() + "\n", cancellationToken);
        Assert.True(result.Succeeded, $"`ghostcrate admin user add` failed.\n{result.Describe()}");
    }

    /// <summary>`ghostcrate admin token create --user NAME`: the token is the only line on stdout.</summary>
    public async Task<string> CreateTokenAsync(string user, CancellationToken cancellationToken = default)
    {
        var result = await RunCliAsync(["admin", "token", "create", "--user", user, "--name", "e2e-" + Ids.New(), "--data-dir", DataDir],
            cancellationToken: cancellationToken);
        Assert.True(result.Succeeded, $"`ghostcrate admin token create` failed.\n{result.Describe()}");
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"`ghostcrate admin token create` must print the token as the only line on stdout.\n{result.Describe()}");
        return lines[0];
    }

    /// <summary>A user with a fresh API token.</summary>
    public async Task<(string Name, string Token)> CreateUserWithTokenAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var name = prefix + Ids.New();
        await CreateUserAsync(name, cancellationToken: cancellationToken);
        return (name, await CreateTokenAsync(name, cancellationToken));
    }

    /// <summary>
    /// Every stored blob with its size and a content fingerprint: the files under DATA/blobs (sqlite lane) or the
    /// objects of the bucket (postgres-s3 lane). Used to prove a rejected publish stored nothing.
    /// </summary>
    public async Task<IReadOnlyList<string>> SnapshotStorageAsync(CancellationToken cancellationToken = default)
    {
        if (Lane.Kind == BackendKind.Sqlite)
        {
            var blobs = Path.Combine(DataDir, "blobs");
            if (!Directory.Exists(blobs))
            {
                return [];
            }

            var entries = new List<string>();
            foreach (var file in Directory.EnumerateFileSystemEntries(blobs, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(blobs, file).Replace('\\', '/');
                if (Directory.Exists(file))
                {
                    // Directories count too: a rejected publish must not even leave an empty crate folder behind.
                    entries.Add(relative + "/");
                    continue;
                }

                var bytes = await File.ReadAllBytesAsync(file, cancellationToken);
                entries.Add($"{relative} {bytes.Length} {Convert.ToHexStringLower(SHA256.HashData(bytes))}");
            }

            entries.Sort(StringComparer.Ordinal);
            return entries;
        }

        using var s3 = S3.CreateClient(Lane.S3Url!);
        var keys = new List<string>();
        string? continuation = null;
        do
        {
            var response = await s3.ListObjectsV2Async(
                new ListObjectsV2Request { BucketName = Bucket, ContinuationToken = continuation }, cancellationToken);
            foreach (var o in response.S3Objects ?? [])
            {
                keys.Add($"{o.Key} {o.Size} {o.ETag}");
            }

            continuation = response.IsTruncated == true ? response.NextContinuationToken : null;
        }
        while (continuation is not null);

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    /// <summary>Sends SIGTERM, as `docker stop`, systemd and Kubernetes do, and returns at once.</summary>
    public void SendTerminate()
    {
        var process = _process ?? throw new InvalidOperationException("the server is not running");
        Append("# SIGTERM");
        if (Kill(process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({process.Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Waits for the server process to end by itself; its exit code, or null when it still runs after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var process = _process ?? throw new InvalidOperationException("the server is not running");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        Append($"# exited with {process.ExitCode}");
        return process.ExitCode;
    }

    public bool HasExited => _process is null or { HasExited: true };

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>Stops the server (kill, as a crash would), keeping its data; <see cref="RestartAsync"/> brings it back.</summary>
    public async Task StopAsync()
    {
        if (_process is { } old)
        {
            ProcessRunner.KillTree(old);
            await old.WaitForExitAsync(CancellationToken.None);
            old.Dispose();
            _process = null;
        }

        Append("# stopped");
    }

    /// <summary>Changes one of the server's settings (a GHOSTCRATE_ variable) for its next <see cref="RestartAsync"/>, as an operator edits its configuration.</summary>
    public void ChangeSetting(string name, string? value) => _environment[name] = value;

    /// <summary>Stops the server (kill, as a crash would) and starts it again on the same data, on the same port when free.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        if (_process is { } old)
        {
            ProcessRunner.KillTree(old);
            await old.WaitForExitAsync(CancellationToken.None);
            old.Dispose();
            _process = null;
        }

        Append("# restart");
        await LaunchAsync(cancellationToken, preferredPort: Port);
    }

    private async Task LaunchAsync(CancellationToken cancellationToken, int? preferredPort = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = attempt == 1 && preferredPort is { } preferred ? preferred : FreePort();
            if (_publicUrlTemplate is not null)
            {
                _environment["GHOSTCRATE_Registry__PublicUrl"] = _publicUrlTemplate.Replace("{port}", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            }

            Http?.Dispose();
            Http = new RegistryClient(BaseUrl);
            var psi = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = WorkDir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { ServerBinary.Path, "serve", "--urls", $"http://127.0.0.1:{Port}", "--data-dir", DataDir })
            {
                psi.ArgumentList.Add(a);
            }

            ProcessRunner.ApplyEnvironment(psi, _environment);
            Append($"# attempt {attempt}: {ProcessRunner.Describe("dotnet", psi.ArgumentList)}");
            var process = new Process { StartInfo = psi };
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    Append(e.Data);
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    Append("[stderr] " + e.Data);
                }
            };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            process.StandardInput.Close();
            _process = process;

            var ready = await WaitUntilReadyAsync(process, cancellationToken);
            if (ready)
            {
                return;
            }

            ProcessRunner.KillTree(process);
            await process.WaitForExitAsync(CancellationToken.None);
            var log = Log;
            if (attempt < 3 && log.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                continue; // Someone took the port between our probe and the bind.
            }

            throw new InvalidOperationException(
                $"GhostCrate did not become ready on {BaseUrl} ({(process.HasExited ? $"exited with {process.ExitCode}" : $"no 200 from /ready within {StartTimeout}")}).\n--- server output ---\n{log}");
        }
    }

    /// <summary>Polls /ready until it answers 200, the process exits, or the deadline passes.</summary>
    private async Task<bool> WaitUntilReadyAsync(Process process, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        if (!await ReadinessPoll.WaitAsync(Http.Raw, "ready", () => process.HasExited, StartTimeout, cancellationToken)) return false;
        Append($"# /ready answered 200 after {deadline.Elapsed.TotalSeconds:F1}s");
        return true;
    }

    private void Append(string line)
    {
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            ProcessRunner.KillTree(process);
            await process.WaitForExitAsync(CancellationToken.None);
            process.Dispose();
        }

        Http?.Dispose();
        if (DatabaseName is not null && _postgresAdminConnectionString is not null)
        {
            try
            {
                await Postgres.DropDatabaseAsync(_postgresAdminConnectionString, DatabaseName);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                // Best effort: the service's data directory is thrown away at the end of the run anyway.
            }
        }

        if (Bucket is not null && Lane.S3Url is not null)
        {
            await S3.TryDeleteBucketAsync(Lane.S3Url, Bucket);
        }

        TempDirs.Delete(Root);
    }
}

/// <summary>Finds the built server: src/GhostCrate/bin/{Configuration}/net10.0/ghostcrate.dll of this checkout.</summary>
public static class ServerBinary
{
    private static readonly Lazy<string> Lazy = new(Locate);

    public static string Path => Lazy.Value;

    private static string Locate()
    {
        var explicitPath = Environment.GetEnvironmentVariable("GHOSTCRATE_E2E_SERVER_DLL");
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return File.Exists(explicitPath) ? explicitPath : throw new FileNotFoundException("GHOSTCRATE_E2E_SERVER_DLL points nowhere", explicitPath);
        }

        if (RepositoryRoot.PathOrNull is { } root)
        {
            var candidate = System.IO.Path.Combine(root, "src", "GhostCrate", "bin", RepositoryRoot.Configuration, RepositoryRoot.TargetFramework, "ghostcrate.dll");
            return File.Exists(candidate) ? candidate : throw new FileNotFoundException($"Build the server first (dotnet build -c {RepositoryRoot.Configuration}); expected", candidate);
        }

        var local = System.IO.Path.Combine(AppContext.BaseDirectory, "ghostcrate.dll");
        return File.Exists(local) ? local : throw new FileNotFoundException("ghostcrate.dll not found; set GHOSTCRATE_E2E_SERVER_DLL");
    }
}

/// <summary>Database plumbing for the postgres-s3 lane.</summary>
public static class Postgres
{
    /// <summary>Accepts an Npgsql connection string or a postgres:// URL.</summary>
    public static string Normalize(string value)
    {
        if (!value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            && !value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new NpgsqlConnectionStringBuilder(value).ConnectionString;
        }

        var uri = new Uri(value);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/')) is { Length: > 0 } db ? db : "postgres",
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        return builder.ConnectionString;
    }

    public static async Task CreateDatabaseAsync(string adminConnectionString, string name, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task DropDatabaseAsync(string adminConnectionString, string name)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>S3 plumbing for the postgres-s3 lane (the settings s3rver and AWSSDK.S3 4.x need).</summary>
public static class S3
{
    public static AmazonS3Client CreateClient(string serviceUrl) =>
        new(new BasicAWSCredentials(Lane.S3AccessKey, Lane.S3SecretKey), new AmazonS3Config
        {
            ServiceURL = serviceUrl,
            ForcePathStyle = true,
            AuthenticationRegion = Lane.S3Region,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

    public static async Task TryDeleteBucketAsync(string serviceUrl, string bucket)
    {
        try
        {
            using var s3 = CreateClient(serviceUrl);
            var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
            foreach (var o in listing.S3Objects ?? [])
            {
                await s3.DeleteObjectAsync(bucket, o.Key);
            }

            await s3.DeleteBucketAsync(bucket);
        }
        catch (AmazonServiceException)
        {
            // Best effort.
        }
        catch (HttpRequestException)
        {
            // Best effort.
        }
    }
}
