using System.Text.Json.Serialization;
using GhostCrate.Core.Branding;

namespace GhostCrate.Web.Contracts;

/// <summary>One branding setting: the value pages show, and whether it comes from the `configuration` (section Ui) or was set by an administrator (`admin`).</summary>
public sealed record BrandingValueDto(
    [property: JsonPropertyName("value")] string? Value,
    [property: JsonPropertyName("source")] string Source)
{
    public static BrandingValueDto Of(BrandingValue value) => new(value.Value, SourceName(value.Source));

    public static string SourceName(BrandingSource source) => source == BrandingSource.Admin ? "admin" : "configuration";
}

/// <summary>The logo pages show: `url` is the uploaded logo's address (source `admin`), Ui:LogoUrl, or null for the built-in one.</summary>
public sealed record BrandingLogoDto(
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("content_type")] string? ContentType,
    [property: JsonPropertyName("bytes")] int? Bytes);

/// <summary>
/// The branding every node applies (docs/ui.md#branding). `revision` counts the changes made from the admin UI or
/// the API (0: never changed); `updated_at` and `updated_by` name the last one.
/// </summary>
public sealed record BrandingDto(
    [property: JsonPropertyName("display_name")] BrandingValueDto DisplayName,
    [property: JsonPropertyName("registry_name")] BrandingValueDto RegistryName,
    [property: JsonPropertyName("accent_color")] BrandingValueDto AccentColor,
    [property: JsonPropertyName("footer_text")] BrandingValueDto FooterText,
    [property: JsonPropertyName("login_message")] BrandingValueDto LoginMessage,
    [property: JsonPropertyName("logo")] BrandingLogoDto Logo,
    [property: JsonPropertyName("revision")] long Revision,
    [property: JsonPropertyName("updated_at")] DateTimeOffset? UpdatedAt,
    [property: JsonPropertyName("updated_by")] string? UpdatedBy)
{
    public static BrandingDto Of(EffectiveBranding b) => new(
        BrandingValueDto.Of(b.DisplayName),
        BrandingValueDto.Of(b.RegistryName),
        BrandingValueDto.Of(b.AccentColor),
        BrandingValueDto.Of(b.FooterText),
        BrandingValueDto.Of(b.LoginMessage),
        new BrandingLogoDto(Ui.Branding.LogoUrlOf(b), BrandingValueDto.SourceName(b.LogoSource), b.Logo?.ContentType, b.Logo?.Content.Length),
        Math.Max(0, b.Revision),
        b.Stored.UpdatedAt,
        b.Stored.UpdatedBy);
}

/// <summary>
/// PUT body of the branding: the whole set of overrides. A missing, null or blank field returns that setting to the
/// configuration's value; the uploaded logo is not touched (PUT /api/v1/admin/branding/logo).
/// </summary>
public sealed record BrandingBody(
    [property: JsonPropertyName("display_name")] string? DisplayName,
    [property: JsonPropertyName("registry_name")] string? RegistryName,
    [property: JsonPropertyName("accent_color")] string? AccentColor,
    [property: JsonPropertyName("footer_text")] string? FooterText,
    [property: JsonPropertyName("login_message")] string? LoginMessage)
{
    public BrandingTexts ToTexts() => new(DisplayName, RegistryName, AccentColor, FooterText, LoginMessage);
}
