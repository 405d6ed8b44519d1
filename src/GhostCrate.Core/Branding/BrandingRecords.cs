using System.Security.Cryptography;

namespace GhostCrate.Core.Branding;

/// <summary>
/// The branding texts an administrator set on /admin/branding or through the API. Null means "the configuration's
/// value" (section Ui), so configuration stays the default and a reset returns to it.
/// </summary>
public sealed record BrandingTexts(string? DisplayName, string? RegistryName, string? AccentColor, string? FooterText, string? LoginMessage)
{
    public static readonly BrandingTexts None = new(null, null, null, null, null);
}

/// <summary>An uploaded logo: its bytes and the type read from them (never the uploader's claim).</summary>
public sealed record BrandingLogo(byte[] Content, string ContentType)
{
    /// <summary>A short hash of the bytes: the logo's URL carries it, so a changed logo is a new URL and may be cached for a year.</summary>
    public string Version { get; } = Convert.ToHexStringLower(SHA256.HashData(Content))[..12];
}

/// <summary>
/// What the database holds (migration 0032): the overrides, the uploaded logo, and the revision, a number that only
/// goes up with every change (a reset clears the values, never the row), so a node that read revision N knows it
/// is current exactly while the stored revision is N. Revision 0: nothing was ever set.
/// </summary>
public sealed record StoredBranding(long Revision, BrandingTexts Texts, BrandingLogo? Logo, DateTimeOffset? UpdatedAt, string? UpdatedBy)
{
    public static readonly StoredBranding Nothing = new(0, BrandingTexts.None, null, null, null);
}

/// <summary>Where a branding value comes from, as /admin/branding, /admin/config and the API show it.</summary>
public enum BrandingSource
{
    /// <summary>Section Ui of the configuration (or its default).</summary>
    Configuration,

    /// <summary>Set by an administrator (/admin/branding or PUT /api/v1/admin/branding), stored in the database.</summary>
    Admin,
}

/// <summary>One effective value and where it comes from.</summary>
public sealed record BrandingValue(string? Value, BrandingSource Source);
