using System.Text.Json.Serialization;

namespace GhostCrate.Web.Contracts;

/// <summary>
/// Reply to GET /api/v1/csrf: the antiforgery token that cookie-authenticated writes send in the header `header_name`
/// (forms: the field `form_field_name`).
/// </summary>
public sealed record CsrfTokenResponse(
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("header_name")] string HeaderName,
    [property: JsonPropertyName("form_field_name")] string FormFieldName);

public sealed record SsoProvidersResponse([property: JsonPropertyName("providers")] IReadOnlyList<SsoProviderInfo> Providers);

/// <summary>A single sign-on button: `type` is Oidc or GitHub; the browser goes to `login_url`.</summary>
public sealed record SsoProviderInfo(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("login_url")] string LoginUrl);
