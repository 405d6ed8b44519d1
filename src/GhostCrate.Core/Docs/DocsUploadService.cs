using System.Security.Cryptography;
using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using GhostCrate.Core.Organizations;
using GhostCrate.Core.Storage;
using GhostCrate.Packaging.Docs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Docs;

/// <summary>
/// PUT /api/v1/docs/{crate}/{version}: an owner (or a token with the publish-update scope) replaces a version's
/// rustdoc with an archive of `target/doc`. Everything is checked before anything is written; the files are then
/// staged as a new generation in the blob store and made visible by one row update, so readers see the old docs or
/// the new ones, never a mixture. A failure deletes what was staged; a crash leaves a generation no row names, which
/// the delete job queued before staging removes.
/// </summary>
public sealed class DocsUploadService(
    ICrateRepository crates,
    CrateAccess access,
    DocsGenerationStore generations,
    IBlobStore blobs,
    IOptions<DocsOptions> options,
    TimeProvider time,
    Audit.AuditLog audit,
    ILogger<DocsUploadService> logger)
{
    /// <summary>How long a staging upload may take before its generation counts as abandoned and is deleted.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);

    public async Task<Result<DocsUploadReceipt>> UploadAsync(string crateName, string version, Stream body, Principal principal, CancellationToken cancellationToken)
    {
        var owned = await access.RequireAsync(crateName, principal, TokenScopes.PublishUpdate, CrateAction.PublishUpdate, cancellationToken);
        if (owned.Error is { } denied) return denied;
        var crate = owned.Value!;
        var versionRecord = await crates.FindVersionAsync(crate.CanonicalName, version, cancellationToken);
        if (versionRecord is null) return RegistryError.NotFound($"crate `{crate.Name}` has no version `{version}`; publish it before uploading its docs");

        var settings = options.Value;
        var archive = await ReadBoundedAsync(body, settings.MaxUploadBytes, cancellationToken);
        if (archive is null)
            return RegistryError.TooLarge($"the documentation archive is larger than {Protocol.Formatting.ByteSize.Format(settings.MaxUploadBytes)}, this registry's limit (Docs:MaxUploadBytes)");

        var scan = DocsArchiveReader.Scan(archive, new DocsArchiveLimits(settings.MaxUnpackedBytes, settings.MaxFiles, settings.MaxPathBytes));
        if (scan.Error is { } invalid)
        {
            return invalid.Kind is Packaging.TarballErrorKind.UnpackedSizeExceeded or Packaging.TarballErrorKind.TooManyEntries
                ? RegistryError.TooLarge(invalid.Message)
                : RegistryError.BadRequest(invalid.Message);
        }
        if (!scan.Files.Any(f => f.Path.EndsWith("/index.html", StringComparison.Ordinal) || f.Path == "index.html"))
            return RegistryError.BadRequest("the documentation archive has no index.html; upload the `target/doc` folder that `cargo doc` writes");

        var now = time.GetUtcNow();
        var generation = new DocsGeneration(NewGenerationId(now), scan.Files.Count, scan.UnpackedBytes, "upload", principal.UserId, now);
        await generations.SwapInAsync(crate.Name, version, versionRecord.Id, generation, buildTicket: null,
            ct => StageAsync(crate.Name, version, generation.Id, archive, scan, ct), cancellationToken);
        logger.LogInformation("Docs of {Crate} {Version} uploaded by {User}: {Files} files, {Bytes} bytes", crate.Name, version, principal.Username, generation.Files, generation.Bytes);
        await audit.RecordAsync(principal, Audit.AuditActions.DocsUploaded, $"crate:{crate.Name}@{version}",
            new Dictionary<string, string?> { ["files"] = generation.Files.ToString(System.Globalization.CultureInfo.InvariantCulture) }, CancellationToken.None);
        return Result<DocsUploadReceipt>.Ok(new DocsUploadReceipt(crate.Name, version, generation.Files, generation.Bytes, DocsPaths.Version(crate.Name, version)));
    }

    private async Task StageAsync(string crateName, string version, string generation, byte[] archive, DocsArchiveScan scan, CancellationToken cancellationToken)
    {
        // The archive reader yields one stream at a time; copying each file out keeps the puts parallel (S3 round trips).
        using var gate = new SemaphoreSlim(DocsGenerationStore.ParallelPuts);
        var puts = new List<Task>();
        try
        {
            foreach (var (file, content) in DocsArchiveReader.ReadFiles(archive, scan))
            {
                var bytes = new MemoryStream(checked((int)file.Size));
                await content.CopyToAsync(bytes, cancellationToken);
                bytes.Position = 0;
                await gate.WaitAsync(cancellationToken);
                puts.Add(PutAsync(BlobKey.DocsFile(crateName, version, generation, file.Path), bytes, gate, cancellationToken));
                if (puts.Any(p => p.IsFaulted)) break;
            }
        }
        finally
        {
            await Task.WhenAll(puts.Select(p => p.ContinueWith(_ => { }, TaskScheduler.Default)));
        }
        await Task.WhenAll(puts);
    }

    private async Task PutAsync(BlobKey key, MemoryStream content, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        try
        {
            await using (content) await blobs.PutAsync(key, content, BlobPutMode.Overwrite, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Sortable by time, unguessable, and safe in a storage key.</summary>
    internal static string NewGenerationId(DateTimeOffset now) =>
        $"{now.ToUnixTimeMilliseconds():x12}{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";

    /// <summary>The whole body, or null when it is longer than <paramref name="limit"/> (reading stops there).</summary>
    private static async Task<byte[]?> ReadBoundedAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
