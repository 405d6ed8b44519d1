using GhostCrate.Cli;
using GhostCrate.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests;

public class ConfigurationTests
{
    private static (GhostCrateSettings? Settings, IReadOnlyList<string> Errors) Load(Dictionary<string, string?> values) =>
        GhostCrateSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), Path.GetTempPath());

    [Fact]
    public void Defaults_are_sqlite_and_files_under_the_data_dir()
    {
        var (settings, errors) = Load(new() { ["DataDir"] = "./data", ["Urls"] = "http://127.0.0.1:8000" });
        Assert.Empty(errors);
        Assert.Equal(Core.Options.DatabaseProvider.Sqlite, settings!.Database.Provider);
        Assert.Contains(Path.Combine(Path.GetTempPath(), "data", "ghostcrate.db"), settings.Database.ConnectionString);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "data", "blobs"), settings.Storage.Path);
        Assert.True(settings.AutoMigrate);
    }

    [Theory]
    [InlineData("Database:Provider", "Oracle", "Database:Provider")]
    [InlineData("Registry:MaxCrateSizeBytes", "-5", "Registry:MaxCrateSizeBytes")]
    [InlineData("Registry:AuthRequierd", "true", "AuthRequierd")]
    [InlineData("Registry:PublicUrl", "not a url", "Registry:PublicUrl")]
    [InlineData("Storage:Provider", "S3", "Storage:S3:Bucket")]
    [InlineData("Urls", "ftp://x", "Urls")]
    [InlineData("ReverseProxy:KnownProxies:0", "proxy.internal", "ReverseProxy:KnownProxies:0")]
    [InlineData("ReverseProxy:KnownNetworks:0", "10.0.0.0", "ReverseProxy:KnownNetworks:0")]
    [InlineData("ReverseProxy:TrustEveryone", "true", "TrustEveryone")]
    [InlineData("Registry:AllowedHosts:0", "*", "Registry:AllowedHosts:0")]
    [InlineData("Registry:AllowedHosts:0", "https://crates.example.com", "Registry:AllowedHosts:0")]
    [InlineData("Registry:AllowedHosts:0", "crates.example.com:443", "Registry:AllowedHosts:0")]
    [InlineData("Backup:Schedule", "0 3 * * *", "Backup:Target is required")]
    [InlineData("Backup:Schedule", "every night", "Backup:Schedule")]
    [InlineData("Backup:KeepDaily", "-1", "Backup:KeepDaily")]
    [InlineData("Backup:Target", "s3://", "Backup:Target")]
    [InlineData("Backup:IncludeMirror", "true", "Backup:IncludeMirror applies to the server's backups, which need Backup:Target")]
    [InlineData("Publishing:LargeFileBytes", "0", "Publishing:LargeFileBytes")]
    [InlineData("Publishing:RequireApprovalFor", "native-binary,elf", "Publishing:RequireApprovalFor: 'elf' is not a content flag")]
    [InlineData("Publishing:HoldTyposquats", "sometimes", "Publishing:HoldTyposquats")]
    [InlineData("Storage:S3:PresignedDownloads", "true", "Storage:S3:PresignedDownloads needs Storage:Provider S3")]
    [InlineData("Storage:S3:PresignedDownloadSeconds", "0", "Storage:S3:PresignedDownloadSeconds")]
    [InlineData("Storage:S3:PresignedDownloadSeconds", "86400", "Storage:S3:PresignedDownloadSeconds")]
    public void A_bad_setting_is_reported_by_its_key(string key, string value, string named)
    {
        var (settings, errors) = Load(new() { ["DataDir"] = "./data", ["Urls"] = "http://127.0.0.1:8000", [key] = value });
        Assert.Null(settings);
        Assert.Contains(errors, e => e.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public void The_advisory_sync_source_is_a_path_resolved_against_the_working_directory_or_a_git_url_and_its_schedule_is_checked()
    {
        var (settings, errors) = Load(new() { ["DataDir"] = "./data", ["Urls"] = "http://127.0.0.1:8000", ["Advisories:SyncFrom"] = "carry-in/advisory-db.tar.gz" });
        Assert.Empty(errors);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "carry-in", "advisory-db.tar.gz"), settings!.Advisories.SyncFrom);
        Assert.Equal("30 3 * * *", settings.Advisories.ParsedSchedule().Text);

        (settings, errors) = Load(new() { ["DataDir"] = "./data", ["Urls"] = "http://127.0.0.1:8000", ["Advisories:SyncFrom"] = "https://github.com/rustsec/advisory-db.git" });
        Assert.Empty(errors);
        Assert.Equal("https://github.com/rustsec/advisory-db.git", settings!.Advisories.SyncFrom);

        (settings, errors) = Load(new() { ["DataDir"] = "./data", ["Urls"] = "http://127.0.0.1:8000", ["Advisories:SyncFrom"] = "/srv/advisory-db", ["Advisories:Schedule"] = "every night" });
        Assert.Null(settings);
        Assert.Contains(errors, e => e.StartsWith("Advisories:Schedule", StringComparison.Ordinal));
    }

    [Fact]
    public void Backup_IncludeMirror_with_a_target_but_no_mirror_directory_stops_the_start()
    {
        var (settings, errors) = Load(new() { ["DataDir"] = "./data", ["Urls"] = "http://127.0.0.1:8000", ["Backup:Target"] = "backups", ["Backup:IncludeMirror"] = "true" });
        Assert.Null(settings);
        Assert.Contains(errors, e => e.StartsWith("Backup:IncludeMirror is on but Mirror:Directory is not set", StringComparison.Ordinal));
    }

    [Fact]
    public void A_backup_schedule_with_a_relative_target_resolves_it_against_the_working_directory()
    {
        var (settings, errors) = Load(new() { ["DataDir"] = "./data", ["Urls"] = "http://127.0.0.1:8000", ["Backup:Schedule"] = "15 2 * * 0", ["Backup:TimeZone"] = "Europe/Berlin", ["Backup:Target"] = "backups" });
        Assert.Empty(errors);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "backups"), settings!.Backup.Target);
        Assert.Equal("15 2 * * 0", settings.Backup.ParsedSchedule()!.Text);
    }

    [Fact]
    public void Approval_hold_settings_are_off_by_default_and_parse_flag_names_with_either_separator()
    {
        var (defaults, none) = Load(new() { ["DataDir"] = "./data", ["Urls"] = "http://127.0.0.1:8000" });
        Assert.Empty(none);
        Assert.False(defaults!.Publishing.ParseHoldRules().IsActive);
        Assert.False(defaults.Publishing.HoldTyposquats);

        var (settings, errors) = Load(new() { ["DataDir"] = "./data", ["Urls"] = "http://127.0.0.1:8000", ["Publishing:RequireApprovalFor"] = " native_binary , build-script-network", ["Publishing:HoldTyposquats"] = "true" });
        Assert.Empty(errors);
        Assert.True(settings!.Publishing.ParseHoldRules().IsActive);
        Assert.True(settings.Publishing.HoldTyposquats);
    }

    [Fact]
    public void Retired_index_spill_settings_of_an_earlier_release_are_accepted()
    {
        var (settings, errors) = Load(new() { ["DataDir"] = "./data", ["Urls"] = "http://127.0.0.1:8000", ["Registry:IndexSpill"] = "true", ["Registry:IndexSpillPath"] = "/var/cache/ghostcrate" });
        Assert.Empty(errors);
        Assert.NotNull(settings);
    }

    [Theory]
    [InlineData("http://0.0.0.0:8000", false)]
    [InlineData("http://*:8000", false)]
    [InlineData("http://+:8000", false)]
    [InlineData("http://[::]:8000", false)]
    [InlineData("http://10.1.2.3:8000", false)]
    [InlineData("http://crates.internal:8000", false)]
    [InlineData("http://127.0.0.1:8000", true)]
    [InlineData("http://127.0.0.2:8000", true)]
    [InlineData("http://[::1]:8000", true)]
    [InlineData("http://localhost:8000", true)]
    public void Listening_beyond_loopback_needs_a_public_url_or_allowed_hosts(string url, bool loopback)
    {
        var (settings, errors) = Load(new() { ["DataDir"] = "./data", ["Urls"] = "http://127.0.0.1:8001;" + url });
        Assert.Empty(errors);
        var problems = ListenAddresses.Validate(settings!.Urls, settings.Registry).ToList();
        Assert.Equal(loopback, problems.Count == 0);
        if (!loopback) Assert.Contains(problems, e => e.Contains(url, StringComparison.Ordinal) && e.Contains("Registry:AllowedHosts", StringComparison.Ordinal));

        var (withPublicUrl, _) = Load(new() { ["DataDir"] = "./data", ["Urls"] = url, ["Registry:PublicUrl"] = "https://crates.example.com" });
        Assert.Empty(ListenAddresses.Validate(withPublicUrl!.Urls, withPublicUrl.Registry));
        var (withHosts, errors3) = Load(new() { ["DataDir"] = "./data", ["Urls"] = url, ["Registry:AllowedHosts:0"] = "crates.example.com", ["Registry:AllowedHosts:1"] = "[::1]" });
        Assert.Empty(errors3);
        Assert.Equal(["crates.example.com", "[::1]"], withHosts!.Registry.AllowedHosts);
        Assert.Empty(ListenAddresses.Validate(withHosts.Urls, withHosts.Registry));
    }

    [Fact]
    public async Task Serve_on_every_address_without_a_public_url_stops_but_other_verbs_run()
    {
        var dir = Directory.CreateTempSubdirectory("gc-cli-");
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync(["serve", "--urls", "http://0.0.0.0:0", "--data-dir", dir.FullName], new StringWriter(), stderr, TextReader.Null);
        Assert.Equal(2, code);
        Assert.Contains("Registry:PublicUrl", stderr.ToString());
        // migrate answers no requests: the same settings are fine for it (the image sets Urls=http://0.0.0.0:8000 for
        // every verb, and its migration job has no reason to know the public address).
        var config = Path.Combine(dir.FullName, "exposed.json");
        await File.WriteAllTextAsync(config, """{ "Urls": "http://0.0.0.0:0" }""");
        var migrateErrors = new StringWriter();
        Assert.True(0 == await CliApp.RunAsync(["migrate", "--config", config, "--data-dir", dir.FullName], new StringWriter(), migrateErrors, TextReader.Null), migrateErrors.ToString());
        dir.Delete(recursive: true);
    }

    [Fact]
    public void Postgres_needs_a_connection_string_and_does_not_auto_migrate()
    {
        var (_, errors) = Load(new() { ["DataDir"] = "./data", ["Urls"] = "http://127.0.0.1:8000", ["Database:Provider"] = "Postgres" });
        Assert.Contains(errors, e => e.Contains("Database:ConnectionString", StringComparison.Ordinal));
        var (ok, _) = Load(new() { ["DataDir"] = "./data", ["Urls"] = "http://127.0.0.1:8000", ["Database:Provider"] = "Postgres", ["Database:ConnectionString"] = "Host=127.0.0.1" });
        Assert.False(ok!.AutoMigrate);
    }

    [Fact]
    public async Task Cli_stops_with_one_line_naming_the_key()
    {
        var dir = Directory.CreateTempSubdirectory("gc-cli-");
        var config = Path.Combine(dir.FullName, "bad.json");
        await File.WriteAllTextAsync(config, """{ "Registry": { "MaxCrateSizeBytes": 0 } }""");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync(["serve", "--config", config, "--data-dir", dir.FullName], stdout, stderr, TextReader.Null);
        Assert.Equal(2, code);
        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("Registry:MaxCrateSizeBytes", lines[0]);
    }

    [Fact]
    public async Task Serve_on_a_port_in_use_stops_with_one_line_naming_the_address()
    {
        var dir = Directory.CreateTempSubdirectory("gc-cli-");
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)taken.LocalEndpoint).Port}";
        var stderr = new StringWriter();

        var code = await CliApp.RunAsync(["serve", "--urls", url, "--data-dir", dir.FullName], TextWriter.Null, stderr, TextReader.Null);

        Assert.Equal(2, code);
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(url, line);
        Assert.Contains("in use", line);
    }

    [Fact]
    public async Task By_default_no_request_gets_a_hosting_activity_or_log_scope()
    {
        var dir = Directory.CreateTempSubdirectory("gc-cli-");
        var configuration = ConfigurationFactory.Build(ParsedArgs.Parse(["serve", "--data-dir", dir.FullName, "--urls", "http://127.0.0.1:0"]), dir.FullName);
        var (settings, errors) = GhostCrateSettings.Load(configuration, dir.FullName);
        Assert.Empty(errors);
        await using var app = await ServeCommand.BuildAsync(configuration, settings!, TextWriter.Null, CancellationToken.None);
        var activities = 0;
        app.Use(async (context, next) =>
        {
            if (System.Diagnostics.Activity.Current is not null) Interlocked.Increment(ref activities);
            await next(context);
        });
        await app.StartAsync();
        var address = app.Urls.First();

        using var client = new HttpClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync(address + "/index/config.json")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync(address + "/ready")).StatusCode);

        var hostingLog = app.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");
        Assert.False(hostingLog.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Critical));
        Assert.Equal(0, activities);
        await app.StopAsync();
    }

    [Fact]
    public async Task Admin_cli_creates_users_and_prints_only_the_token()
    {
        var dir = Directory.CreateTempSubdirectory("gc-cli-");
        var stderr = new StringWriter();
        var added = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["admin", "user", "add", "dana", "--password-stdin", "--data-dir", dir.FullName], added, stderr, new StringReader("s3cret-password\n")));
        Assert.Contains("dana", added.ToString());
        var tokenOut = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["admin", "token", "create", "--user", "dana", "--name", "ci", "--data-dir", dir.FullName], tokenOut, stderr, TextReader.Null));
        var lines = tokenOut.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("gcr_", lines[0]);
        var duplicate = new StringWriter();
        Assert.Equal(2, await CliApp.RunAsync(["admin", "user", "add", "DANA", "--password-stdin", "--data-dir", dir.FullName], TextWriter.Null, duplicate, new StringReader("another-password\n")));
        Assert.Contains("already exists", duplicate.ToString());
    }
}
