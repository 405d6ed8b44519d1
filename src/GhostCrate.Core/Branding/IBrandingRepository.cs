namespace GhostCrate.Core.Branding;

/// <summary>
/// Port: the branding row (Data/Branding, migration 0032). Every write moves the revision by one in the same
/// statement, and on PostgreSQL its trigger NOTIFYs the change feed's <c>branding</c> topic at commit.
/// </summary>
public interface IBrandingRepository
{
    /// <summary>The stored revision; 0 when nothing was ever set.</summary>
    Task<long> RevisionAsync(CancellationToken cancellationToken);

    Task<StoredBranding> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the texts (the logo stays as it is).</summary>
    Task SaveTextsAsync(BrandingTexts texts, DateTimeOffset at, string? by, CancellationToken cancellationToken);

    /// <summary>Replaces the logo, or with null removes it (the texts stay as they are).</summary>
    Task SaveLogoAsync(BrandingLogo? logo, DateTimeOffset at, string? by, CancellationToken cancellationToken);

    /// <summary>Clears every override and the logo: the configuration applies again.</summary>
    Task ResetAsync(DateTimeOffset at, string? by, CancellationToken cancellationToken);
}
