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
}
