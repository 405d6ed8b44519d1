using System.Text.RegularExpressions;

namespace GhostCrate.Core.Options;

/// <summary>Section Ui: how the web UI names and presents this registry (docs/ui.md, docs/configuration.md).</summary>
public sealed partial class UiOptions
{
    public const string Section = "Ui";

    /// <summary>
    /// The name every copy-ready snippet gives this registry (`[registries.NAME]`, `cargo add x --registry NAME`,
    /// `CARGO_REGISTRIES_NAME_TOKEN`). Pick the name your team already uses in its cargo configuration.
    /// </summary>
    public string RegistryName { get; set; } = "ghostcrate";

    /// <summary>The registry's name as people read it: page titles, the header, the footer, Open Graph.</summary>
    public string DisplayName { get; set; } = "GhostCrate";

    /// <summary>An http(s) URL or a path on this server (starting with /) of the logo shown in the header; none: the ghost.</summary>
    public string? LogoUrl { get; set; }

    /// <summary>
    /// #rrggbb used for buttons and highlights. The text on it is chosen automatically (black or white, whichever
    /// contrasts more; one of them always reaches WCAG AA's 4.5:1), so any colour is accepted.
    /// </summary>
    public string? AccentColor { get; set; }

    /// <summary>Plain text shown in every page's footer (e.g. who runs the registry and how to reach them).</summary>
    public string? FooterText { get; set; }

    /// <summary>Plain text shown above the login form (e.g. which account to use).</summary>
    public string? LoginMessage { get; set; }

    /// <summary>
    /// Git hosts beyond the built-in ones (github.com, gitlab.com, bitbucket.org, codeberg.org) whose file URLs a
    /// README's relative links and images resolve to; a configured host overrides a built-in one of the same name.
    /// </summary>
    public List<RepositoryHostOptions> RepositoryHosts { get; set; } = [];

    public const int MaxDisplayNameLength = 60;
    public const int MaxTextLength = 1000;

    public static IEnumerable<string> Validate(UiOptions options)
    {
        if (!IsCargoRegistryName(options.RegistryName))
            yield return $"{Section}:RegistryName must be a cargo registry name: an ASCII letter, then up to 63 letters, digits, '-' or '_', and not 'crates-io' (got '{options.RegistryName}')";
        if (string.IsNullOrWhiteSpace(options.DisplayName) || options.DisplayName.Length > MaxDisplayNameLength)
            yield return $"{Section}:DisplayName must be 1 to {MaxDisplayNameLength} characters (got '{options.DisplayName}')";
        if (options.LogoUrl is { Length: > 0 } logo && !IsLogoUrl(logo))
            yield return $"{Section}:LogoUrl must be an http(s) URL or a path on this server starting with / (got '{logo}')";
        if (options.AccentColor is { Length: > 0 } accent && !ColorPattern().IsMatch(accent))
            yield return $"{Section}:AccentColor must be a colour written #rrggbb, such as #0b6e4f (got '{accent}')";
        if (options.FooterText is { Length: > MaxTextLength })
            yield return $"{Section}:FooterText must be at most {MaxTextLength} characters";
        if (options.LoginMessage is { Length: > MaxTextLength })
            yield return $"{Section}:LoginMessage must be at most {MaxTextLength} characters";
        foreach (var error in RepositoryHostOptions.Validate(options.RepositoryHosts, $"{Section}:RepositoryHosts"))
            yield return error;
    }

    private static bool IsLogoUrl(string logo) =>
        (logo.StartsWith('/') && !logo.StartsWith("//", StringComparison.Ordinal) && !logo.Contains('\\', StringComparison.Ordinal))
        || (Uri.TryCreate(logo, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https");

    /// <summary>A colour written #rrggbb (the only form the accent's style sheet and contrast check take).</summary>
    public static bool IsColor(string? value) => value is not null && ColorPattern().IsMatch(value);

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex ColorPattern();

    /// <summary>
    /// Cargo refuses registry names that are not package-name-like (https://doc.rust-lang.org/cargo/reference/registries.html)
    /// and reserves crates-io for crates.io itself; ASCII only, so that the name maps onto the
    /// CARGO_REGISTRIES_NAME_TOKEN environment variable (https://doc.rust-lang.org/cargo/reference/config.html#registriesnametoken).
    /// </summary>
    public static bool IsCargoRegistryName(string? name) =>
        name is not null && RegistryNamePattern().IsMatch(name) && !string.Equals(name, "crates-io", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex RegistryNamePattern();
}
