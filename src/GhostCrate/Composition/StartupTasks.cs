using GhostCrate.Cli;
using GhostCrate.Configuration;
using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Composition;

/// <summary>What every verb does before its work: make sure the schema is current (migrating only when allowed).</summary>
public static class StartupTasks
{
    public static async Task EnsureSchemaAsync(IServiceProvider services, GhostCrateSettings settings, CancellationToken cancellationToken)
    {
        var database = services.GetRequiredService<IDatabase>();
        var status = await database.GetSchemaStatusAsync(cancellationToken);
        if (status.UpToDate) return;
        if (!settings.AutoMigrate)
        {
            throw new CliException($"the database schema is not up to date ({status.Applied} of {status.Known} migrations applied); run `ghostcrate migrate` first (or set Database:AutoMigrate=true)");
        }
        await database.MigrateAsync(cancellationToken);
    }

    /// <summary>Creates the S3 bucket when Storage:S3:CreateBucket asks for it (local S3-compatible servers).</summary>
    public static async Task EnsureStorageAsync(IServiceProvider services, GhostCrateSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Storage is { Provider: Core.Options.StorageProvider.S3, S3.CreateBucket: true }
            && services.GetService<Storage.S3.S3BlobStore>() is { } s3)
        {
            await s3.EnsureBucketAsync(cancellationToken);
        }
    }

    /// <summary>First start: creates `admin` and prints a generated password once; registers GHOSTCRATE_ADMIN_TOKEN.</summary>
    public static async Task BootstrapAdminAsync(IServiceProvider services, GhostCrateSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var bootstrap = services.GetRequiredService<AdminBootstrap>();
        var result = await bootstrap.RunAsync(settings.AdminPassword, settings.AdminToken, cancellationToken);
        if (result.GeneratedPassword is { } password)
        {
            // Printed to the console only, never logged: log files are shipped and kept.
            await output.WriteLineAsync($"Created the administrator account `admin` with password: {password}");
            await output.WriteLineAsync("This password is shown once. Set GHOSTCRATE_ADMIN_PASSWORD before the first start to choose it.");
        }
    }

    /// <summary>
    /// Upgrade from a version that kept the cookie keys in {DataDir}/keys: with Identity:KeysPath unset the keys now live
    /// in the database, so the folder's keys are copied there (each once, by name) and sessions signed in before the
    /// upgrade stay valid. Returns how many keys were added.
    /// </summary>
    public static async Task<int> ImportLegacyKeysAsync(IServiceProvider services, GhostCrateSettings settings, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(settings.DataDir, "keys");
        if (settings.Identity.KeysPath is not null || !Directory.Exists(folder)) return 0;
        var store = services.GetRequiredService<IDataProtectionKeyStore>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var added = 0;
        // FileSystemXmlRepository names each file {friendly name}.xml.
        foreach (var file in Directory.EnumerateFiles(folder, "*.xml").Order(StringComparer.Ordinal))
        {
            var xml = await File.ReadAllTextAsync(file, cancellationToken);
            if (await store.AddAsync(Path.GetFileNameWithoutExtension(file), xml, now, cancellationToken)) added++;
        }
        return added;
    }
}
