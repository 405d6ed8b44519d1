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

    public static IEnumerable<string> Validate(UiOptions options)
    {
        if (!IsCargoRegistryName(options.RegistryName))
            yield return $"{Section}:RegistryName must be a cargo registry name: an ASCII letter, then up to 63 letters, digits, '-' or '_', and not 'crates-io' (got '{options.RegistryName}')";
    }

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
