using GhostCrate.Core.Options;

namespace GhostCrate.Core.Branding;

/// <summary>
/// The branding every page of this node applies: each value from the database when an administrator set it, else
/// from the configuration (section Ui). Built once per stored revision and never changed, so a page reads one
/// consistent set without locking.
/// </summary>
public sealed class EffectiveBranding
{
    public EffectiveBranding(UiOptions configured, StoredBranding stored)
    {
        Stored = stored;
        var texts = stored.Texts;
        DisplayName = Pick(texts.DisplayName, configured.DisplayName)!;
        RegistryName = Pick(texts.RegistryName, configured.RegistryName)!;
        AccentColor = Pick(texts.AccentColor, Blank(configured.AccentColor)?.ToLowerInvariant());
        FooterText = Pick(texts.FooterText, Blank(configured.FooterText));
        LoginMessage = Pick(texts.LoginMessage, Blank(configured.LoginMessage));
        Logo = stored.Logo;
        ConfiguredLogoUrl = Blank(configured.LogoUrl);
    }

    /// <summary>What the database holds (revision 0 and no values when nothing was set).</summary>
    public StoredBranding Stored { get; }

    public long Revision => Stored.Revision;

    public BrandingValue DisplayName { get; }
    public BrandingValue RegistryName { get; }
    public BrandingValue AccentColor { get; }
    public BrandingValue FooterText { get; }
    public BrandingValue LoginMessage { get; }

    /// <summary>The uploaded logo; when null the configured Ui:LogoUrl (or the ghost) is shown.</summary>
    public BrandingLogo? Logo { get; }

    public string? ConfiguredLogoUrl { get; }

    public BrandingSource LogoSource => Logo is null ? BrandingSource.Configuration : BrandingSource.Admin;

    private static BrandingValue Pick(string? stored, string? configured) =>
        stored is not null ? new BrandingValue(stored, BrandingSource.Admin) : new BrandingValue(configured, BrandingSource.Configuration);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
