using System.Security.Cryptography;
using System.Text;
using GhostCrate.Core.Branding;

namespace GhostCrate.Web.Ui;

/// <summary>
/// The registry's name, logo, accent colour, footer and login texts as pages show them: section Ui, overridden by
/// what an administrator set on /admin/branding (<see cref="BrandingService.Current"/>, which follows the database on
/// every node). The accent colour reaches pages as a small style sheet of its own (the CSP allows no inline style),
/// with the text colour on it picked automatically. Each read takes the view of the current branding revision, built
/// once per revision, so a page costs no database round trip.
/// </summary>
public sealed class Branding(BrandingService service)
{
    public const string StyleSheetPath = "/ui/brand.css";

    /// <summary>Where an uploaded logo is served (Web/Ui/BrandingEndpoints).</summary>
    public const string LogoPath = "/ui/logo";

    private View? _view;

    public string DisplayName => Current.DisplayName;
    public string RegistryName => Current.RegistryName;
    public string? LogoUrl => Current.LogoUrl;
    public string? FooterText => Current.FooterText;
    public string? LoginMessage => Current.LoginMessage;
    public string? AccentColor => Current.AccentColor;

    /// <summary>Black or white, whichever contrasts more with the accent (at least 4.58:1 for any colour).</summary>
    public string? AccentText => Current.AccentText;
    public string? StyleSheet => Current.StyleSheet;
    public string? StyleSheetUrl => Current.StyleSheetUrl;

    /// <summary>The uploaded logo, if any (served at <see cref="LogoPath"/>).</summary>
    public BrandingLogo? Logo => Current.Source.Logo;

    /// <summary>WCAG 2.x contrast ratio (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio).</summary>
    public static double Contrast(string a, string b) => WcagContrast.Ratio(a, b);

    public static string TextColorOn(string background) => WcagContrast.TextColorOn(background);

    /// <summary>The logo pages show: the uploaded one (its URL carries its hash), else Ui:LogoUrl; null: the built-in ghost.</summary>
    public static string? LogoUrlOf(EffectiveBranding branding) =>
        branding.Logo is { } logo ? $"{LogoPath}?v={logo.Version}" : branding.ConfiguredLogoUrl;

    private View Current
    {
        get
        {
            var effective = service.Current;
            var view = Volatile.Read(ref _view);
            if (view is null || !ReferenceEquals(view.Source, effective))
            {
                view = new View(effective);
                Volatile.Write(ref _view, view);
            }
            return view;
        }
    }

    private sealed class View
    {
        public View(EffectiveBranding source)
        {
            Source = source;
            DisplayName = source.DisplayName.Value!;
            RegistryName = source.RegistryName.Value!;
            LogoUrl = LogoUrlOf(source);
            FooterText = source.FooterText.Value;
            LoginMessage = source.LoginMessage.Value;
            if (source.AccentColor.Value is { } accent)
            {
                AccentColor = accent;
                AccentText = WcagContrast.TextColorOn(accent);
                // Same selectors as Pico's light and dark themes, loaded after Pico, so the accent wins in both.
                StyleSheet = $$"""
                    :root:not([data-theme=dark]), :root:not([data-theme=light]) {
                      --pico-primary-background: {{AccentColor}};
                      --pico-primary-border: {{AccentColor}};
                      --pico-primary-hover-background: {{AccentColor}};
                      --pico-primary-hover-border: {{AccentColor}};
                      --pico-primary-inverse: {{AccentText}};
                    }
                    .site-header { border-bottom: 4px solid {{AccentColor}}; }
                    """;
                StyleSheetUrl = $"{StyleSheetPath}?v={Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(StyleSheet)))[..12]}";
            }
        }

        public EffectiveBranding Source { get; }
        public string DisplayName { get; }
        public string RegistryName { get; }
        public string? LogoUrl { get; }
        public string? FooterText { get; }
        public string? LoginMessage { get; }
        public string? AccentColor { get; }
        public string? AccentText { get; }
        public string? StyleSheet { get; }
        public string? StyleSheetUrl { get; }
    }
}
